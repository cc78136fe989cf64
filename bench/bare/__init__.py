"""The bare stack (issue 19): the least a submission needs on nameko, measured beside ours by
bench/baseline.py — HTTP → RPC → one INSERT and commit → an event → a consumer's INSERT."""
