// Chinese first, English switchable. Every visible string of the console is here, as
// [中文, English]; the vocabularies follow domain.md §11 and jike-domain/src/vocab.rs.

const KEY = 'jike.lang';
let lang = (() => {
  try { return localStorage.getItem(KEY) === 'en' ? 'en' : 'zh'; } catch { return 'zh'; }
})();

export function getLang() { return lang; }
export function setLang(l) {
  lang = l === 'en' ? 'en' : 'zh';
  try { localStorage.setItem(KEY, lang); } catch { /* private mode */ }
  document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
}
document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';

const M = {
  app_name: ['集客保障', 'Jike Assurance'],
  app_sub: ['集团客户专线保障运营台', 'Enterprise private-line assurance console'],
  loading: ['加载中…', 'Loading…'],
  load_more: ['加载更多', 'Load more'],
  no_more: ['已全部加载', 'All loaded'],
  empty: ['暂无数据', 'Nothing here'],
  none: ['—', '—'],
  yes: ['是', 'Yes'],
  no: ['否', 'No'],
  all: ['全部', 'All'],
  search: ['搜索', 'Search'],
  reset: ['重置', 'Reset'],
  submit: ['提交', 'Submit'],
  cancel: ['取消', 'Cancel'],
  save: ['保存', 'Save'],
  close: ['关闭', 'Close'],
  back: ['返回', 'Back'],
  retry: ['重试', 'Retry'],
  refresh: ['刷新', 'Refresh'],
  optional: ['选填', 'optional'],
  required_mark: ['必填', 'required'],
  saved: ['已保存', 'Saved'],
  // shell
  nav_dashboard: ['总览', 'Dashboard'],
  nav_orders: ['工单', 'Orders'],
  nav_mine: ['我的工单', 'My orders'],
  nav_inventory: ['资源', 'Inventory'],
  nav_import: ['导入', 'Import'],
  nav_configs: ['配置核查', 'Config checks'],
  nav_admin: ['系统管理', 'Admin'],
  logout: ['退出登录', 'Log out'],
  lang_switch: ['English', '中文'],
  // login
  login_title: ['登录', 'Log in'],
  login_name: ['用户名', 'User name'],
  login_password: ['密码', 'Password'],
  login_submit: ['登录', 'Log in'],
  login_failed: ['用户名或密码错误', 'Wrong user name or password'],
  login_locked: ['登录失败次数过多，账号已锁定，请稍后再试或联系管理员', 'Too many failed logins: the account is locked for a while'],
  login_hint: ['内部系统，仅限授权人员使用', 'Internal system: authorised staff only'],
  // errors
  err_forbidden: ['无权限', 'Not permitted'],
  err_forbidden_detail: ['当前角色无权执行此操作或查看此页面。', 'Your role may not do this or see this page.'],
  err_not_found: ['未找到或无权查看', 'Not found or not visible to you'],
  err_not_found_detail: ['该记录不存在，或不在您的权限范围内。', 'It does not exist, or it is outside your scope.'],
  err_network: ['网络错误，无法连接服务器', 'Network error: the server cannot be reached'],
  err_server: ['服务器错误', 'Server error'],
  err_conflict: ['操作与当前状态冲突', 'Conflicts with the current state'],
  err_validation: ['输入有误，请检查标红的字段', 'Please fix the fields marked in red'],
  err_unknown_page: ['页面不存在', 'No such page'],
  session_expired: ['登录已过期，请重新登录', 'Your session has expired: please log in again'],
  // validation
  v_required: ['此项为必填项', 'This field is required'],
  v_code: ['编码不能包含空格或特殊字符', 'A code may not contain spaces or special characters'],
  v_too_long: ['内容过长（最多 {n} 个字符）', 'Too long (at most {n} characters)'],
  v_time: ['请输入有效的时间', 'Enter a valid time'],
  v_future: ['时间不能晚于当前时间', 'The time cannot be in the future'],
  v_before_last: ['时间不能早于上一条事件（{t}）', 'The time cannot be before the last event ({t})'],
  v_password: ['密码至少 10 位，且包含字母和数字', 'At least 10 characters with letters and digits'],
  v_file: ['请选择文件', 'Choose a file'],
  v_name: ['只能包含字母、数字、点、下划线和连字符', 'Letters, digits, ".", "_" and "-" only'],
  v_field_prefix: ['字段 {f}：', 'Field {f}: '],
  // dashboard
  dash_title: ['运行总览', 'Operations overview'],
  dash_open: ['在途工单', 'Open orders'],
  dash_breached_today: ['今日超时', 'Breached today'],
  dash_joint: ['联合处理中', 'In joint handling'],
  dash_warning: ['即将超时', 'Warning'],
  dash_by_state_grade: ['按状态与等级', 'By state and grade'],
  dash_urgent: ['在途工单（按紧急程度）', 'Open orders, most urgent first'],
  dash_next_update: ['下次通报', 'Next update due'],
  dash_escalated: ['升级时间', 'Escalated at'],
  dash_refreshed: ['更新于 {t}', 'Updated {t}'],
  dash_auto: ['每 10 秒自动刷新', 'Refreshes every 10 s'],
  dash_none_open: ['当前没有在途工单', 'No open orders'],
  dash_none_joint: ['没有联合处理中的工单', 'No order in joint handling'],
  dash_none_breached: ['今日没有超时工单', 'No breach today'],
  dash_total: ['合计', 'Total'],
  dash_truncated: ['仅显示最紧急的 {n} 张工单，其余请在工单列表中查看', 'Only the {n} most urgent orders are shown; see the order list for the rest'],
  dash_refresh_failed: ['刷新失败，稍后自动重试', 'Refresh failed: retrying'],
  dash_mine: ['我的工单', 'My orders'],
  dash_company: ['本公司全部', 'All of my company'],
  dash_mine_hint: ['仅统计指派给 {n}（{c}）的工单', 'Only the orders assigned to {n} ({c})'],
  // clocks
  clock_ok: ['正常', 'OK'],
  clock_warning: ['预警', 'Warning'],
  clock_breached: ['已超时', 'Breached'],
  clock_met: ['已达成', 'Met'],
  clock_paused: ['已暂停', 'Paused'],
  clock_pending: ['未开始', 'Not started'],
  clock_left: ['剩余 {d}', '{d} left'],
  clock_over: ['超时 {d}', '{d} over'],
  clock_deadline: ['时限', 'Deadline'],
  clock_limit: ['时长', 'Limit'],
  clock_started: ['开始', 'Started'],
  clock_stopped: ['结束', 'Stopped'],
  clock_paused_s: ['暂停时长', 'Paused'],
  clocks: ['SLA 时钟', 'SLA clocks'],
  no_clocks: ['该工单没有计时', 'This order has no clocks'],
  // orders
  orders_title: ['工单', 'Work orders'],
  mine_title: ['我的工单', 'My orders'],
  mine_hint: ['指派给 {n}（{c}）的工单', 'Orders assigned to {n} ({c})'],
  mine_none: ['暂无指派给您的工单', 'No orders are assigned to you'],
  col_assignee: ['处理人', 'Assignee'],
  f_assignee: ['处理人（工号）', 'Assignee (staff code)'],
  order_assignee: ['处理人', 'Assignee'],
  order_new: ['新建故障单', 'New fault order'],
  order_new_title: ['新建工单', 'New work order'],
  f_kind: ['类型', 'Kind'],
  f_state: ['状态', 'State'],
  f_grade: ['等级', 'Grade'],
  f_region: ['区域', 'Region'],
  f_contractor: ['代维公司', 'Contractor'],
  f_lead_room: ['主导室', 'Lead room'],
  f_breached: ['已超时', 'Breached'],
  f_open: ['在途', 'Open'],
  f_open_only: ['仅在途', 'Open only'],
  f_closed_only: ['仅已归档', 'Closed only'],
  f_q: ['编号或标题', 'Code or title'],
  f_sort: ['排序', 'Sort'],
  f_customer: ['客户', 'Customer'],
  sort_newest: ['最新创建', 'Newest'],
  sort_oldest: ['最早创建', 'Oldest'],
  sort_occurred_desc: ['发生时间（新→旧）', 'Occurred (newest)'],
  sort_occurred_asc: ['发生时间（旧→新）', 'Occurred (oldest)'],
  sort_updated: ['最近更新', 'Recently updated'],
  sort_code: ['编号', 'Code'],
  col_code: ['工单编号', 'Code'],
  col_title: ['标题', 'Title'],
  col_customer: ['客户', 'Customer'],
  col_occurred: ['发生时间', 'Occurred'],
  col_clock: ['最紧迫时钟', 'Most urgent clock'],
  col_updated: ['更新时间', 'Updated'],
  orders_none: ['没有符合条件的工单', 'No order matches'],
  order_code: ['工单编号', 'Order'],
  order_info: ['工单信息', 'Order'],
  order_description: ['描述', 'Description'],
  order_business_type: ['业务类型', 'Business type'],
  order_site: ['站点', 'Site'],
  order_occurred: ['故障发生时间', 'Occurred at'],
  order_created: ['创建', 'Created'],
  order_closed_at: ['归档时间', 'Closed at'],
  order_joint: ['联合处理', 'Joint handling'],
  order_policy: ['SLA 策略版本', 'SLA policy version'],
  order_circuits: ['电路', 'Circuits'],
  order_elements: ['网元', 'Elements'],
  order_alarms: ['告警', 'Alarms'],
  order_timeline: ['处理过程', 'Timeline'],
  order_actions: ['处理操作', 'Actions'],
  order_no_actions: ['当前状态下您没有可执行的操作', 'Nothing you may record in this state'],
  order_escalations: ['升级', 'Escalations'],
  order_updates_due: ['应通报时间', 'Updates due'],
  order_breached_flag: ['已超时', 'Breached'],
  order_created_ok: ['工单已创建：{c}', 'Order created: {c}'],
  event_recorded: ['已记录：{e}', 'Recorded: {e}'],
  ev_at: ['发生时间', 'Time'],
  ev_at_hint: ['留空为当前时间；可补录过去的时间', 'Empty for now; a past time may be given'],
  ev_note: ['备注', 'Note'],
  ev_reason: ['挂起原因', 'Reason'],
  ev_approved_by: ['审批人', 'Approved by'],
  ev_contractor: ['代维公司（编码）', 'Contractor (code)'],
  ev_lead_room: ['主导室', 'Lead room'],
  ev_assignee: ['指派给（代维人员）', 'Assign to (technician)'],
  ev_assignee_keep: ['不指定人员', 'Nobody in particular'],
  ev_assignee_none: ['该代维公司暂无人员', 'The contractor has no staff'],
  tl_dispatched_to: ['派单给', 'Dispatched to'],
  tl_reassigned_to: ['转派给', 'Transferred to'],
  tl_assigned_to: ['指派给', 'Assigned to'],
  tl_handed_back: ['退回代维公司待派（不再指派给个人）', 'Handed back to the company\'s queue (assigned to nobody)'],
  ev_hand_back: ['退回', 'Hand back'],
  ev_hand_back_hint: ['将工单从 {n}（{c}）退回代维公司待派，由公司调度重新指派', 'Hand the order back from {n} ({c}) to the company\'s queue, for its dispatcher to assign again'],
  ev_by: ['记录人', 'By'],
  ev_recorded: ['录入于', 'recorded'],
  ev_data: ['现场记录', 'On-site record'],
  onsite_record: ['故障现场处理记录（R-F9）', 'On-site record (R-F9)'],
  os_arrival: ['到达时间', 'Arrival time'],
  os_site_lead: ['现场负责人', 'Site lead'],
  os_people: ['到场人员', 'People present'],
  os_process: ['处理过程', 'Process'],
  os_questions: ['客户问题及答复', "Customer's questions and answers"],
  os_cause: ['已确认的故障原因', 'Cause (as confirmed)'],
  os_signed_by: ['签字人', 'Signed by'],
  os_people_hint: ['多人以逗号分隔', 'Separate names with commas'],
  confirm_observation: ['R-F10：业务恢复后须观察至少 1 小时方可确认', 'R-F10: confirm at least 1 hour after restoration'],
  // create form
  c_title: ['标题', 'Title'],
  c_customer: ['客户编码', 'Customer code'],
  c_customer_hint: ['输入客户名称或编码搜索', 'Type a customer name or code'],
  c_circuits: ['电路编码', 'Circuit codes'],
  c_circuits_hint: ['多个以逗号分隔；第一个电路决定业务类型、区域和代维', 'Comma-separated; the first sets business type, region and contractor'],
  c_elements: ['网元编码', 'Element codes'],
  c_site: ['站点编码', 'Site code'],
  c_occurred: ['故障发生时间', 'Occurred at'],
  c_occurred_hint: ['留空为当前时间', 'Empty for now'],
  c_grade: ['服务等级', 'Service grade'],
  c_grade_hint: ['留空则按客户当时的等级', "Empty: the customer's grade at the time"],
  c_failed_hop: ['故障路由段（序号）', 'Failed hop (no.)'],
  c_failed_hop_hint: ['第一个电路路由中的序号，决定代维公司', 'Position on the first circuit\'s path: sets the contractor'],
  c_alarm_id: ['告警编号', 'Alarm id'],
  c_alarm_text: ['告警内容', 'Alarm text'],
  c_alarm_tx: ['传输告警（主导室为传送网室）', 'Transmission alarm (transport room leads)'],
  c_description: ['故障描述', 'Description'],
  c_submit: ['创建工单', 'Create order'],
  c_customer_circuits: ['该客户的电路', "The customer's circuits"],
  c_pick: ['选择', 'Pick'],
  c_hop: ['选择故障段', 'Pick the failed hop'],
  c_need_grade: ['未指定客户和电路时必须选择服务等级', 'A grade is needed when no customer or circuit is given'],
  // inventory
  inv_title: ['资源查询', 'Inventory'],
  inv_customers: ['客户', 'Customers'],
  inv_circuits: ['电路', 'Circuits'],
  inv_elements: ['网元', 'Elements'],
  inv_sites: ['站点', 'Sites'],
  inv_contractors: ['代维公司', 'Contractors'],
  contract_period: ['合同期', 'Contract period'],
  contract_regions: ['合同区域', 'Contract regions'],
  contract_regions_none: ['至少选择一个区域', 'Choose at least one region'],
  inv_q: ['编码或名称', 'Code or name'],
  inv_none: ['没有符合条件的记录', 'Nothing matches'],
  name: ['名称', 'Name'],
  code: ['编码', 'Code'],
  industry: ['行业', 'Industry'],
  account_manager: ['客户经理', 'Account manager'],
  contact: ['联系人', 'Contact'],
  contact_phone: ['联系电话', 'Phone'],
  masked: ['已脱敏', 'masked'],
  region: ['区域', 'Region'],
  business_type: ['业务类型', 'Business type'],
  scope: ['范围', 'Scope'],
  bandwidth: ['带宽', 'Bandwidth'],
  a_end: ['A 端', 'A end'],
  z_end: ['Z 端', 'Z end'],
  assurance_level: ['保障等级', 'Assurance level'],
  acceptance: ['验收状态', 'Acceptance'],
  builder: ['建设单位/项目经理', 'Builder'],
  order_engineering: ['工程建设部门（未终验）', 'Engineering (not finally accepted)'],
  status: ['状态', 'Status'],
  element_type: ['网元类型', 'Element type'],
  vendor: ['厂家', 'Vendor'],
  model: ['型号', 'Model'],
  mgmt_ip: ['管理地址', 'Management IP'],
  site: ['站点', 'Site'],
  owner: ['产权', 'Owner'],
  domain: ['维护界面', 'Maintenance domain'],
  contractor: ['代维公司', 'Contractor'],
  site_kind: ['站点类型', 'Site kind'],
  address: ['地址', 'Address'],
  coords: ['经纬度', 'Coordinates'],
  customer: ['客户', 'Customer'],
  path: ['路由', 'Path'],
  path_none: ['未录入路由', 'No path recorded'],
  segment: ['段落', 'Segment'],
  element: ['网元', 'Element'],
  hop: ['第 {n} 跳', 'Hop {n}'],
  lines: ['专线', 'Lines'],
  grade_history: ['等级变更历史', 'Grade history'],
  valid_from: ['生效', 'From'],
  valid_to: ['截止', 'Until'],
  current: ['至今', 'now'],
  orders_of: ['相关工单', 'Orders'],
  elements_at: ['站内网元', 'Elements on site'],
  circuit: ['电路', 'Circuit'],
  // import
  imp_title: ['批量导入', 'Import'],
  imp_kind: ['数据类型', 'What'],
  imp_file: ['文件（.xlsx 或 .csv）', 'File (.xlsx or .csv)'],
  imp_check: ['校验（不写入）', 'Check (dry run)'],
  imp_confirm: ['确认导入', 'Confirm import'],
  imp_report: ['校验报告', 'Validation report'],
  imp_ok: ['校验通过：共 {rows} 行，将新增 {created} 行、更新 {updated} 行、{unchanged} 行不变。', 'Valid: {rows} rows; {created} to create, {updated} to update, {unchanged} unchanged.'],
  imp_done: ['导入完成：共 {rows} 行，新增 {created} 行、更新 {updated} 行、{unchanged} 行不变。', 'Imported: {rows} rows; {created} created, {updated} updated, {unchanged} unchanged.'],
  imp_bad: ['文件中有 {n} 处错误，未写入任何数据。请修改后重新上传。', '{n} problems in the file; nothing was written. Fix them and upload again.'],
  imp_row: ['行', 'Row'],
  imp_column: ['列', 'Column'],
  imp_reason: ['原因', 'Reason'],
  imp_hint: ['先校验：系统逐行检查文件，不写入任何数据；校验通过后再确认导入。表头可用中文或英文。', 'First a dry run checks every row and writes nothing; then confirm. Headers may be Chinese or English.'],
  imp_export: ['导出模板/数据', 'Export data'],
  // configuration compliance
  cfg_title: ['配置核查', 'Configuration check'],
  cfg_page_title: ['配置核查', 'Configuration compliance'],
  cfg_page_hint: ['按接入配置规范（R-CF1～R-CF7）及安全规则核查各网元最新上传的配置', "Each element's newest configuration, checked against the access configuration rules (R-CF1–R-CF7) and the security rules"],
  cfg_none: ['尚未上传配置', 'No configuration uploaded yet'],
  cfg_clean: ['未发现问题', 'No findings'],
  cfg_uploaded_at: ['上传时间', 'Uploaded at'],
  cfg_uploaded_by: ['上传人', 'Uploaded by'],
  cfg_file_name: ['文件名', 'File name'],
  cfg_vendor: ['厂商', 'Vendor'],
  cfg_role: ['设备角色', 'Device role'],
  cfg_size: ['大小', 'Size'],
  cfg_size_value: ['{lines} 行，{bytes} 字节', '{lines} lines, {bytes} bytes'],
  cfg_sha256: ['SHA-256', 'SHA-256'],
  cfg_lines: ['行数', 'Lines'],
  cfg_line: ['行', 'Line'],
  cfg_rule: ['规则', 'Rule'],
  cfg_severity: ['级别', 'Severity'],
  cfg_object: ['对象', 'Object'],
  cfg_message: ['说明', 'Message'],
  cfg_also_odd: ['同样不一致：', 'also odd:'],
  cfg_counts: ['错误/警告/提示', 'Errors/warnings/notes'],
  cfg_counts_value: ['{errors} / {warnings} / {notes}', '{errors} / {warnings} / {notes}'],
  cfg_view_text: ['查看配置原文', 'View the text'],
  cfg_history: ['上传记录（{n}）', 'Uploads ({n})'],
  cfg_upload: ['上传配置', 'Upload a configuration'],
  cfg_file: ['配置文件', 'Configuration file'],
  cfg_file_hint: ['设备 display current-configuration 或 show running-config 的输出（UTF-8 或 GB18030 文本）', 'What the device prints for display current-configuration or show running-config (UTF-8 or GB18030 text)'],
  cfg_submit: ['上传并核查', 'Upload and check'],
  cfg_checking: ['正在核查…', 'Checking…'],
  cfg_uploaded: ['核查完成：错误 {errors} 项，警告 {warnings} 项，提示 {notes} 项', 'Checked: {errors} errors, {warnings} warnings, {notes} notes'],
  cfg_too_large: ['文件过大，超出服务器允许的上传大小', 'The file is larger than the server accepts'],
  cfg_rules: ['核查规则', 'Rules'],
  cfg_clause: ['条款', 'Clause'],
  cfg_security: ['安全', 'security'],
  cfg_rationale: ['规则说明', 'Rationale'],
  cfg_findings: ['发现数', 'Findings'],
  cfg_elements: ['涉及网元', 'Elements'],
  cfg_elements_checked: ['已核查网元', 'Elements checked'],
  cfg_elements_with_errors: ['有错误的网元', 'Elements with errors'],
  cfg_element_code: ['网元编码', 'Element code'],
  cfg_findings_all: ['核查发现', 'Findings'],
  cfg_findings_of: ['核查发现：{rule}', 'Findings: {rule}'],
  cfg_no_findings: ['没有符合条件的核查发现', 'No finding matches'],
  cfg_checked_at: ['核查时间', 'Checked at'],
  // admin
  adm_users: ['用户与角色', 'Users and roles'],
  adm_policies: ['SLA 策略', 'SLA policies'],
  adm_calendars: ['工作日历', 'Working-day calendars'],
  user_name: ['用户名', 'User name'],
  display_name: ['显示名', 'Display name'],
  role: ['角色', 'Role'],
  user_scope: ['范围', 'Scope'],
  user_state: ['状态', 'State'],
  user_disabled: ['已停用', 'Disabled'],
  user_locked: ['已锁定', 'Locked'],
  user_active: ['正常', 'Active'],
  user_disable: ['停用', 'Disable'],
  user_enable: ['启用', 'Enable'],
  user_new: ['新建用户', 'New user'],
  user_password: ['初始密码', 'Initial password'],
  user_room: ['科室', 'Room'],
  user_contractor: ['代维公司编码', 'Contractor code'],
  user_customer: ['客户编码', 'Customer code'],
  user_manager: ['客户经理姓名', 'Account manager name'],
  user_created: ['用户已创建：{n}', 'User created: {n}'],
  user_reset_pw: ['重置密码', 'Reset password'],
  user_new_pw: ['新密码', 'New password'],
  created_at: ['创建时间', 'Created'],
  pol_version: ['版本', 'Version'],
  pol_valid_from: ['生效时间', 'Valid from'],
  pol_loaded_at: ['加载时间', 'Loaded at'],
  pol_loaded_by: ['加载人', 'Loaded by'],
  pol_view: ['查看', 'View'],
  pol_upload: ['上传新版本（TOML）', 'Upload a new version (TOML)'],
  pol_uploaded: ['已加载新策略版本', 'New policy version loaded'],
  cal_year: ['年份', 'Year'],
  cal_origin: ['来源', 'Origin'],
  cal_builtin: ['内置', 'built in'],
  cal_loaded: ['已加载', 'loaded'],
  cal_holidays: ['法定节假日', 'Public holidays'],
  cal_makeup: ['调休上班日', 'Make-up working days'],
  cal_upload: ['上传年度日历（TOML）', 'Upload a year (TOML)'],
  cal_uploaded: ['日历已更新', 'Calendar updated'],
  file_toml: ['TOML 文件', 'TOML file'],
  or_paste: ['或直接粘贴内容', 'or paste the text'],
  days_unit: ['{n} 天', '{n} days'],
};

const V = {
  grade: { diamond: ['钻石', 'Diamond'], gold: ['金牌', 'Gold'], silver: ['银牌', 'Silver'], bronze: ['铜牌', 'Bronze'], standard: ['标准', 'Standard'] },
  kind: {
    fault: ['故障', 'Fault'], complaint: ['投诉', 'Complaint'], inspection: ['巡检', 'Inspection'],
    provisioning: ['开通', 'Provisioning'], resource_survey: ['资源勘查', 'Resource survey'],
    handover: ['交维验收', 'Handover'], asset_count: ['资产清点', 'Asset count'],
  },
  state: {
    new: ['新建', 'New'], dispatched: ['已派单', 'Dispatched'], accepted: ['已受理', 'Accepted'],
    in_progress: ['处理中', 'In progress'], suspended: ['已挂起', 'Suspended'], rejected: ['已驳回', 'Rejected'],
    restored: ['业务恢复', 'Restored'], observing: ['观察中', 'Observing'], confirmed: ['客户已确认', 'Confirmed'],
    passed: ['验收通过', 'Passed'], completed: ['已完成', 'Completed'], replied: ['已回单', 'Replied'], closed: ['已归档', 'Closed'],
  },
  event: {
    occurred: ['故障发生', 'Occurred'], dispatched: ['派单', 'Dispatch'], accepted: ['受理', 'Accept'],
    customer_contacted: ['联系客户', 'Customer contacted'], en_route: ['出发', 'En route'], on_site: ['到达现场', 'On site'],
    suspended: ['挂起', 'Suspend'], resumed: ['解挂', 'Resume'], restored: ['业务恢复', 'Restored'],
    observing: ['开始观察', 'Observing'], confirmed: ['客户确认', 'Confirm'], replied: ['回单', 'Reply'],
    closed: ['归档', 'Close'], rejected: ['驳回', 'Reject'], reassigned: ['转派', 'Reassign'], reopened: ['重开', 'Reopen'],
    update_published: ['进展通报', 'Publish update'], passed: ['验收通过', 'Passed'],
    documents_delivered: ['资料移交', 'Documents delivered'], completed: ['完成', 'Completed'],
    assigned: ['指派', 'Assign'],
  },
  room: {
    monitoring: ['监控室', 'Monitoring'], transport: ['传送网室', 'Transport'], service_support: ['服务支撑室', 'Service support'],
    data: ['数据室', 'Data'], core: ['核心网室', 'Core'], power: ['动力环境室', 'Power'],
  },
  role: {
    admin: ['管理员', 'Administrator'], monitoring: ['监控室', 'Monitoring room'], lead_room: ['主责室', 'Lead room'],
    contractor: ['代维', 'Contractor'], account_manager: ['客户经理', 'Account manager'], customer: ['客户', 'Customer'], auditor: ['审计', 'Auditor'],
  },
  business_type: {
    data_line: ['数据专线', 'Data line'], internet_line: ['互联网专线', 'Internet line'], voice_line: ['语音专线', 'Voice line'],
    transmission_line: ['传输专线', 'Transmission line'], gprs_apn: ['GPRS专线', 'GPRS/APN'], sms_mms: ['短彩信', 'SMS/MMS'],
    sms_gateway: ['企业信息机', 'SMS gateway'], school_messaging: ['校讯通', 'School messaging'], video: ['视频专线', 'Video'], broadband: ['宽带', 'Broadband'],
  },
  scope: { local: ['本地', 'Local'], cross_city: ['跨市', 'Cross-city'], cross_province: ['跨省', 'Cross-province'] },
  assurance: { AAA: ['AAA', 'AAA'], AA: ['AA', 'AA'], A: ['A', 'A'], ordinary: ['普通', 'Ordinary'] },
  acceptance: { final_accepted: ['已终验', 'Finally accepted'], not_final_accepted: ['未终验', 'Not finally accepted'] },
  circuit_status: { provisioning: ['开通中', 'Provisioning'], active: ['在用', 'Active'], suspended: ['暂停', 'Suspended'], terminated: ['已拆除', 'Terminated'] },
  site_kind: { base_station: ['基站', 'Base station'], access_point: ['综合业务接入点', 'Access point'], customer_premises: ['客户端', 'Customer premises'], machine_room: ['机房', 'Machine room'], other: ['其他', 'Other'] },
  element_type: {
    onu: ['ONU', 'ONU'], olt: ['OLT', 'OLT'], pon: ['PON', 'PON'], ptn: ['PTN', 'PTN'], ipran: ['IPRAN', 'IPRAN'], sdh: ['SDH', 'SDH'],
    mstp: ['MSTP', 'MSTP'], wdm: ['WDM', 'WDM'], olp: ['OLP', 'OLP'], protocol_converter: ['协议转换器', 'Protocol converter'],
    oe_converter: ['光电转换器', 'O/E converter'], router: ['路由器', 'Router'], switch: ['交换机', 'Switch'], firewall: ['防火墙', 'Firewall'],
    bras: ['BRAS', 'BRAS'], pbx: ['PBX', 'PBX'], iad: ['IAD', 'IAD'], wlan_ap: ['WLAN AP', 'WLAN AP'], wlan_ac: ['WLAN AC', 'WLAN AC'],
    sms_gateway: ['短信网关', 'SMS gateway'], video_terminal: ['视频终端', 'Video terminal'], odf: ['ODF', 'ODF'], power: ['电源', 'Power'], other: ['其他', 'Other'],
  },
  owner: { operator: ['运营商', 'Operator'], customer: ['客户', 'Customer'] },
  domain: {
    aggregation: ['数据汇聚层', 'Aggregation'], enterprise_access: ['集客接入', 'Enterprise access'], home_access: ['家客接入', 'Home access'],
    transmission_access: ['传输接入', 'Transmission access'], customer_terminal: ['客户侧终端', 'Customer terminal'],
  },
  clock: {
    accept: ['受理', 'Accept'], contact: ['联系客户', 'Contact'], on_site: ['到场', 'On site'], restore: ['业务恢复', 'Restore'],
    documents: ['资料移交', 'Documents'], complete: ['完成', 'Complete'], reply: ['回单', 'Reply'],
  },
  import_kind: { customers: ['客户', 'Customers'], circuits: ['电路', 'Circuits'], sites: ['站点', 'Sites'], elements: ['网元', 'Elements'], staff: ['代维人员', 'Contractor staff'], regions: ['区域', 'Regions'], contractors: ['代维公司', 'Contractors'], instruments: ['仪器仪表', 'Instruments'], vehicles: ['车辆', 'Vehicles'] },
  escalation: { joint_handling: ['联合处理', 'Joint handling'] },
  severity: { error: ['错误', 'Error'], warning: ['警告', 'Warning'], note: ['提示', 'Note'], off: ['已关闭', 'Off'] },
  cfg_vendor: { auto: ['自动识别', 'Detect'], huawei: ['华为', 'Huawei'], h3c: ['华三', 'H3C'], cisco: ['思科', 'Cisco'] },
  device_role: { access: ['接入', 'Access'], aggregation: ['汇聚', 'Aggregation'], core: ['核心', 'Core'] },
};

/** A message by key, with `{name}` placeholders filled from `vars`. */
export function t(key, vars) {
  const pair = M[key];
  let s = pair ? pair[lang === 'en' ? 1 : 0] : key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

/** The name of a vocabulary code; unknown codes are shown as they are. */
export function v(vocab, code) {
  if (code === null || code === undefined || code === '') return '—';
  const pair = V[vocab] && V[vocab][code];
  return pair ? pair[lang === 'en' ? 1 : 0] : String(code);
}

/** The codes of a vocabulary, in display order. */
export function codes(vocab) { return Object.keys(V[vocab] || {}); }

// Server messages (values.rs, order.rs, accounts) rendered in Chinese; the rest is shown as is.
const SERVER = [
  // A vocabulary value first: `unknown site kind '…'` is not a site that is missing.
  [/^unknown (.+) '(.*)'; expected one of: (.*)$/, (m) => [`未知的${vocabZh(m[1])}「${m[2]}」，可选：${m[3]}`, m0()]],
  [/^must not be empty$/, () => ['不能为空', 'must not be empty']],
  [/^is longer than (\d+) characters$/, (m) => [`超过 ${m[1]} 个字符`, m[0]]],
  [/white space or control characters/, () => ['不能包含空格或控制字符', 'must not contain white space']],
  [/^must not contain control characters$/, () => ['不能包含控制字符', 'must not contain control characters']],
  [/needs a reason/, () => ['挂起必须填写原因（R-C3）', 'a suspension needs a reason (R-C3)']],
  [/not finally accepted \(未终验\), so its fault goes to the engineering department/, () => ['电路未终验，故障由工程建设部门（建设单位/项目经理）处理，不派代维公司', 'the circuit is not finally accepted: its faults go to the engineering department, not a contractor']],
  [/^is required when acceptance is not_final_accepted/, () => ['未终验的电路必须填写建设单位/项目经理', 'is required for a circuit not finally accepted']],
  [/needs approved_by/, () => ['挂起必须填写审批人（R-C3）', 'a suspension needs an approver (R-C3)']],
  [/observed for (-?\d+) s since restoration, at least (\d+) s/, (m) => [
    `业务恢复后仅观察了 ${fmtSecs(+m[1])}，至少需要观察 ${fmtSecs(+m[2])}（R-F10）`,
    `observed for ${fmtSecs(+m[1])} since restoration; at least ${fmtSecs(+m[2])} are required (R-F10)`]],
  [/out of time order.* it is (\d+) s earlier/, (m) => [`时间早于上一条事件 ${fmtSecs(+m[1])}，事件须按时间顺序录入`, m[0]]],
  [/'([a-z_]+)' is not allowed on an order in state '([a-z_]+)'/, (m) => [
    `当前状态「${v('state', m[2])}」下不能执行「${v('event', m[1])}」`, m[0]]],
  [/in the future/, () => ['时间不能晚于当前时间', 'cannot be in the future']],
  [/unknown (customer|circuit|element|site|region|contractor)[^']*'([^']*)'/, (m) => [
    `未找到${{ customer: '客户', circuit: '电路', element: '网元', site: '站点', region: '区域', contractor: '代维公司' }[m[1]]}「${m[2]}」`, m[0]]],
  [/no (customer|circuit|element|site|region|contractor)[^']*'([^']*)'/, (m) => [
    `未找到${{ customer: '客户', circuit: '电路', element: '网元', site: '站点', region: '区域', contractor: '代维公司' }[m[1]]}「${m[2]}」`, m[0]]],
  [/is needed when the order names neither a customer nor a circuit/, () => ['未指定客户和电路时必须选择服务等级', m0()]],
  [/counts from 1/, () => ['从 1 开始计数', 'counts from 1']],
  [/needs circuit_codes/, () => ['需要先填写电路编码', 'needs circuit codes']],
  [/at least ten characters|at least 10 characters/, () => ['密码至少 10 位，且包含字母和数字', 'at least 10 characters with letters and digits']],
  [/is taken|already exists/, () => ['已被占用', 'is taken']],
  [/^the configuration is empty/, () => ['配置内容为空，请上传设备 display current-configuration 或 show running-config 的输出', m0()]],
  [/neither UTF-8 nor GB18030/, () => ['文件既不是 UTF-8 也不是 GB18030 文本，请上传设备输出的配置文本', m0()]],
  [/holds binary data/, () => ['文件包含二进制数据，不是配置文本', m0()]],
  [/is not auto, huawei/, () => ['厂商须为自动识别、华为、华三或思科', m0()]],
  [/is not access \(接入\), aggregation/, () => ['设备角色须为接入、汇聚或核心', m0()]],
  [/is not a rule id/, () => ['不是有效的规则编号', m0()]],
  // Imports (each row's reasons) and SLA policy files.
  [/^'(.*)' is not a bandwidth/, (m) => [`「${m[1]}」不是有效的带宽（例如 2M、100M、1G）`, m0()]],
  [/^a bandwidth is required/, () => ['带宽必填（例如 2M、100M、1G）', m0()]],
  [/^bandwidth must be greater than zero/, () => ['带宽必须大于零', m0()]],
  [/^bandwidth is larger than 10T/, () => ['带宽不能超过 10T', m0()]],
  [/^'(.*)' is not a date/, (m) => [`「${m[1]}」不是有效的日期（例如 2026-01-31）`, m0()]],
  [/^a date is required/, () => ['日期必填（例如 2026-01-31）', m0()]],
  [/^'(.*)' is not a whole number from 0 to 255/, (m) => [`「${m[1]}」不是 0 到 255 之间的整数`, m0()]],
  [/^'(.*)' is not a number$/, (m) => [`「${m[1]}」不是数字`, m0()]],
  [/^'(.*)' is not an IP address/, (m) => [`「${m[1]}」不是有效的 IP 地址`, m0()]],
  [/^'(.*)' is not a telephone number/, (m) => [`「${m[1]}」不是有效的电话号码`, m0()]],
  [/^a (.+) is required; expected one of: (.*)$/, (m) => [`${vocabZh(m[1])}必填，可选：${m[2]}`, m0()]],
  [/^the required column (.+) \((.+)\) is missing/, (m) => [`缺少必填列「${m[1]}」（${m[2]}）`, m0()]],
  [/^'(.*)' is the name of (\d+) regions \((.*)\); write the code/, (m) => [`「${m[1]}」是 ${m[2]} 个区域的名称（${m[3]}），请填写所指区域的编码`, m0()]],
  [/^no region with code or name '(.*)'/, (m) => [`未找到编码或名称为「${m[1]}」的区域`, m0()]],
  [/^'(.*)' is a (province|city|county|grid); the parent of a (province|city|county|grid) must be a (province|city|county|grid)/, (m) => [
    `「${m[1]}」是${LEVEL_ZH[m[2]]}，${LEVEL_ZH[m[3]]}的上级区域必须是${LEVEL_ZH[m[4]]}`, m0()]],
  [/^a (city|county|grid) needs a parent (province|city|county)/, (m) => [`${LEVEL_ZH[m[1]]}必须有上级${LEVEL_ZH[m[2]]}`, m0()]],
  [/^a province has no parent region/, () => ['省级区域没有上级区域', m0()]],
  [/^a region cannot be its own parent/, () => ['区域不能以自身为上级', m0()]],
  [/appears (twice|more than once) in the file/, () => ['在文件中重复出现', m0()]],
  [/^the SLA policy is not valid TOML: (.*)$/s, (m) => [`SLA 策略文件不是有效的 TOML：${m[1]}`, m0()]],
  [/^the SLA policy has no rule for (\S+) orders of grade (\S+)/, (m) => [`SLA 策略缺少「${v('kind', m[1])}」工单「${v('grade', m[2])}」等级的规则`, m0()]],
  [/^SLA policy (\S+): (.*)$/s, (m) => [`SLA 策略 ${m[1]}：${serverText(m[2])}`, m0()]],
  [/^'(.*)' is not a duration like/, (m) => [`「${m[1]}」不是有效的时长（例如 10m、4h、1h30m、2d）`, m0()]],
  [/^'(.*)' is not a number of working days/, (m) => [`「${m[1]}」不是有效的工作日数（例如 3wd）`, m0()]],
  [/a limit must be longer than zero/, () => ['时限必须大于零', m0()]],
  [/^'(.*)' is longer than ten years/, (m) => [`「${m[1]}」超过十年`, m0()]],
  [/^'(.*)' cannot start a clock/, (m) => [`「${m[1]}」不能作为计时起点`, m0()]],
  [/^'(.*)' cannot stop a clock/, (m) => [`「${m[1]}」不能作为计时终点`, m0()]],
  [/^a clock cannot stop on its start event/, () => ['计时不能在其起点事件上停止', m0()]],
  [/^clock '(.*)' appears twice/, (m) => [`计时「${m[1]}」重复出现`, m0()]],
  [/^'(.*)' is not an RFC 3339 time with its offset/, (m) => [`「${m[1]}」不是带时区偏移的 RFC 3339 时间`, m0()]],
  [/^'(.*)' is not a time like/, (m) => [`「${m[1]}」不是有效的时刻（例如 09:00）`, m0()]],
  [/^closing time must be after opening time/, () => ['结束时间必须晚于开始时间', m0()]],
  [/^the workbook is refused: (.*)$/s, (m) => [`工作簿被拒绝：${m[1]}`, m0()]],
  [/inflates beyond (\d+) MB/, (m) => [`文件解压后超过 ${m[1]} MB，已拒绝（疑似压缩炸弹）`, m0()]],
];
const LEVEL_ZH = { province: '省', city: '市', county: '区县', grid: '网格' };
const VOCAB_ZH = { 'service grade': '服务等级', 'business type': '业务类型', 'region level': '区域级别', 'maintenance domain': '维护专业', 'element type': '网元类型', 'site kind': '站点类型', 'owner': '产权归属', 'circuit status': '电路状态', 'acceptance': '验收状态', 'assurance level': '保障等级', 'scope': '业务范围', 'education': '学历', 'certificate': '证书', 'training level': '培训级别', 'instrument kind': '仪表类型', 'vehicle kind': '车辆类型', 'asset status': '资产状态', 'order kind': '工单类型', 'event type': '事件类型', 'room': '主责室', 'role': '角色', 'order state': '工单状态' };
function vocabZh(what) { return VOCAB_ZH[what] || what; }
function m0() { return ''; }

/** A server reason in the current language (best effort: unknown texts stay as they are). */
export function serverText(text) {
  if (!text) return '';
  for (const [re, f] of SERVER) {
    const m = String(text).match(re);
    if (m) {
      const [zh, en] = f(m);
      return lang === 'en' ? (en || text) : zh;
    }
  }
  // `field: reason` (a sub-field of a cell, a hop of a path): the reason in the language.
  const sub = String(text).match(/^([A-Za-z_][\w.\[\] ]{0,40}): (.+)$/s);
  if (sub) {
    const inner = serverText(sub[2]);
    if (inner !== sub[2]) return `${sub[1]}：${inner}`;
  }
  return String(text);
}

/** A duration for humans: 1小时05分 / 1 h 05 min. */
export function fmtSecs(secs) {
  const neg = secs < 0;
  let s = Math.abs(Math.round(secs));
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const p2 = (n) => String(n).padStart(2, '0');
  let out;
  if (lang === 'en') {
    out = d ? `${d} d ${h} h` : h ? `${h} h ${p2(m)} min` : m ? `${m} min` : `${s} s`;
  } else {
    out = d ? `${d}天${h}小时` : h ? `${h}小时${p2(m)}分` : m ? `${m}分钟` : `${s}秒`;
  }
  return neg ? `-${out}` : out;
}

/** A countdown: H:MM:SS (with days when long). */
export function fmtCountdown(secs) {
  let s = Math.max(0, Math.floor(Math.abs(secs)));
  const d = Math.floor(s / 86400); s -= d * 86400;
  const h = Math.floor(s / 3600); s -= h * 3600;
  const m = Math.floor(s / 60); s -= m * 60;
  const p2 = (n) => String(n).padStart(2, '0');
  const hms = `${d ? d * 24 + h : h}:${p2(m)}:${p2(s)}`;
  return hms;
}

// One style everywhere, whatever the browser's locale: 24-hour `YYYY-MM-DD HH:mm` in
// Asia/Shanghai (UTC+8 all year: no daylight saving, so the offset is added, not looked up).
const SHANGHAI_MS = 8 * 3600 * 1000;

/** A time in Asia/Shanghai; `kind` is dt (`YYYY-MM-DD HH:mm`, default), dts (with seconds),
 *  short (`MM-DD HH:mm`), time (`HH:mm:ss`) or date (`YYYY-MM-DD`). */
export function fmtTime(value, kind = 'dt') {
  if (!value) return '—';
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const iso = new Date(d.getTime() + SHANGHAI_MS).toISOString();
  const date = iso.slice(0, 10);
  switch (kind) {
    case 'dts': return `${date} ${iso.slice(11, 19)}`;
    case 'short': return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
    case 'time': return iso.slice(11, 19);
    case 'date': return date;
    default: return `${date} ${iso.slice(11, 16)}`;
  }
}

/** The text of a time field (`YYYY-MM-DD HH:mm`) for an instant, in Asia/Shanghai. */
export function toLocalInput(date) {
  return fmtTime(date, 'dt');
}

/** RFC 3339 with +08:00 from a time field's text, read as Asia/Shanghai: `YYYY-MM-DD HH:mm`
 *  (seconds optional; a `T` for the blank as a datetime-local value writes it). `null` when
 *  empty, `undefined` when not a time. */
export function fromLocalInput(value) {
  if (!value || !value.trim()) return null;
  const m = value.trim().match(/^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2})?$/);
  if (!m) return undefined;
  const text = `${m[1]}T${m[2]}${m[3] || ':00'}+08:00`;
  const d = new Date(text);
  // Refuse what Date rolls over (2026-02-30 → 03-02): the fields must read back as typed.
  if (Number.isNaN(d.getTime()) || fmtTime(d, 'dt') !== `${m[1]} ${m[2]}`) return undefined;
  return text;
}
