/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The gateway serves dist/ at "/"; in development `npm run dev` proxies the API to it.
const gateway = process.env.LIANXIN_GATEWAY || 'http://127.0.0.1:8000'

// Element Plus on demand: every <el-*> tag (and v-loading) a template uses is imported with its own
// CSS where it is used, so a page's chunk carries only its components. `import { ElMessage } from
// 'element-plus'` stays as it is (tree-shaken); the CSS of those service components is in main.ts.
// No components.d.ts is written: the tags stay as untyped for vue-tsc as they were with app.use(ElementPlus).
const elementPlus = Components({
  dts: false,
  dirs: [],
  resolvers: [ElementPlusResolver({ importStyle: 'css', directives: true })],
})

// Vendor chunks: Vue, its router and pinia in one (every screen needs them, and they change seldom);
// ECharts (echarts/core with only the charts used) only with the chart pages that import it; Element
// Plus's shared core (utilities, hooks, locale, the components most pages use) in one, the components
// only one page uses with that page.
const vendorGroups = [
  { name: 'echarts', test: /node_modules[\\/](echarts|zrender|vue-echarts)[\\/]/, priority: 10 },
  { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia)[\\/]/, priority: 30 },
  { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@vueuse|lodash-es|lodash-unified|@floating-ui|@ctrl|@popperjs|dayjs|async-validator|memoize-one|normalize-wheel-es)[\\/]/,
    minShareCount: 2, priority: 20 },
]

export default defineConfig({
  // (component tests install Element Plus whole, as a plugin of their own mount)
  plugins: process.env.VITEST ? [vue()] : [vue(), elementPlus],
  base: '/',
  resolve: { alias: { '@': new URL('./src', import.meta.url).pathname } },
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: vendorGroups },
        // Element Plus's per-component chunks are named after their style module ("css"): name them ep-
        chunkFileNames: (chunk) => `assets/${chunk.name === 'css' ? 'ep' : '[name]'}-[hash].js`,
      },
    },
  },
  server: {
    proxy: {
      '/api': gateway,
      '/.well-known': gateway,
    },
  },
  test: {
    environment: 'jsdom',
    include: ['tests/**/*.spec.ts'],
    // a limit for a hung test, not a speed check: on two cores shared with the other suites' layers a
    // page test that mounts Element Plus whole has taken over 5 s (vitest's default)
    testTimeout: 30_000,
  },
})
