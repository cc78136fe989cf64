// What the assessor pages share: the assessment's shape and this assessor's own scores in it.
import type { Schemas } from '@/api/client'

export type Assessment = Schemas['AssessmentAnswer']
export type AssessmentItem = Schemas['AssessmentItem']
export type Score = Schemas['AssessmentScoreAnswer']

/** This assessor's score of one sampled suggestion (each assessor scores an item once). */
export function myScore(item: Pick<AssessmentItem, 'scores'>, sub: string | null): Score | undefined {
  return sub ? item.scores.find((s) => s.assessor === sub) : undefined
}

/** How many of the sample this assessor has scored. */
export function scoredCount(a: Pick<Assessment, 'items'>, sub: string | null): number {
  return a.items.filter((i) => myScore(i, sub)).length
}
