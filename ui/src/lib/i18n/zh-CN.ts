// 简体中文 UI strings. Typed against en.ts: a missing key fails the type check.
import type { MessageKey } from "./en";

export const zhCN: Record<MessageKey, string> = {
  "app.name": "Koodesk",
  "app.tagline": "云商店卖家工作台",
  "nav.label": "主导航",
  "nav.products": "商品",
  "nav.applications": "申请",
  "nav.orders": "服务监管订单",
  "nav.templates": "模板",
  "nav.notifications": "通知",
  "nav.settings": "设置",
  "nav.shortcut": "Ctrl+{n}",
  "profile.localOnly": "本地档案",
  "profile.localOnlyHint": "未连接云商店账号",

  "products.subtitle": "发布草稿、变更与在售商品",
  "products.empty.title": "还没有商品",
  "products.empty.body":
    "新发布的草稿和在售商品的变更草稿会显示在这里，并标明离提交审核还差什么。每次修改都会在输入时保存在本机，离线也能工作。",
  "products.empty.how": "在“设置”中连接云商店账号后，在售商品会显示在这里。",

  "applications.subtitle": "已提交审核的内容",
  "applications.empty.title": "还没有申请",
  "applications.empty.body":
    "发布和变更申请会显示在这里，并附审核状态：待审核、已驳回（含审核意见）、已通过或已撤回。审核结果返回时 Koodesk 会通知您。",
  "applications.empty.how": "提交商品草稿即可创建申请。",

  "orders.subtitle": "服务监管",
  "orders.empty.title": "还没有服务监管订单",
  "orders.empty.body":
    "专业服务、License 和需服务监管的 SaaS 订单会显示在这里：下一步由谁处理、距上次更新多久，并在客户可以发起申诉（超过 5 天未更新）之前提醒您。",
  "orders.empty.how": "在“设置”中连接云商店账号后，订单会显示在这里。",

  "templates.subtitle": "给客户的需求模板",
  "templates.empty.title": "还没有需求表单",
  "templates.empty.body":
    "只需定义一次需求表单，Koodesk 即可生成供客户填写的 Excel 和 Word 需求模板。客户返回的已填文件也可以在这里逐项检查。",
  "templates.empty.how": "需求表单可关联到专业服务商品。",

  "notifications.subtitle": "您不在时发生的事",
  "notifications.empty.title": "暂无新消息",
  "notifications.empty.body":
    "审核结果、新的客户需求、催办提醒和即将停滞的订单会显示在这里，并以系统通知的形式提醒您，即使 Koodesk 在后台也不会错过。",
  "notifications.empty.how": "您已处理完所有消息。",

  "settings.subtitle": "语言、数据与本机安装",
  "settings.language": "语言",
  "settings.language.hint": "除非您另行选择，Koodesk 跟随系统语言。",
  "settings.language.system": "跟随系统（{lang}）",
  "settings.language.saved": "语言已保存",
  "settings.data": "数据",
  "settings.data.folder": "数据文件夹",
  "settings.data.logs": "日志文件夹",
  "settings.data.hint": "草稿、设置和日志都保存在本机的这个文件夹中。",
  "settings.marketplace": "云商店",
  "settings.marketplace.localOnly": "本地档案：尚未连接云商店账号。您准备的所有内容都只保存在本机。",
  "settings.about": "关于",
  "settings.about.version": "版本",
  "settings.about.quit": "退出 Koodesk",
  "settings.about.quitHint": "Ctrl+Q",

  "lang.en": "English",
  "lang.zh-CN": "简体中文",

  "error.title": "Koodesk 无法打开数据",
  "error.damaged":
    "数据库文件已损坏。没有任何内容被修改或删除。请恢复备份或将该文件移走，然后重新启动 Koodesk。",
  "error.newer": "这些数据由更新版本的 Koodesk 写入。请升级 Koodesk 后再打开。",
  "error.generic": "出现了问题。",
  "error.details": "详细信息",
  "common.loading": "加载中…",
};
