import { createApp } from 'vue'
import { createPinia } from 'pinia'
import { ElLoading, ElMessage, ElMessageBox, ElNotification, provideGlobalConfig } from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
// Element Plus's <el-*> components come on demand with their CSS (vite.config.ts); these are the
// base variables and the service components views call from script (ElMessage, ElMessageBox, …)
import 'element-plus/theme-chalk/base.css'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import 'element-plus/es/components/notification/style/css'
import 'element-plus/es/components/loading/style/css'
import App from './App.vue'
import { makeRouter } from './router'

const app = createApp(App)
app.use(createPinia())
app.use(makeRouter())
// zh-cn for every component, including the message boxes made outside the component tree
provideGlobalConfig({ locale: zhCn }, app, true)
app.use(ElMessage).use(ElMessageBox).use(ElNotification).use(ElLoading)
app.mount('#app')
