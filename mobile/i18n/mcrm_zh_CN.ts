<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AccountDelegate</name>
    <message>
        <location filename="../qml/AccountDelegate.qml" line="37"/>
        <source>Unnamed customer</source>
        <translation>未命名客户</translation>
    </message>
    <message>
        <location filename="../qml/AccountDelegate.qml" line="69"/>
        <source>Not sent</source>
        <translation>未发送</translation>
    </message>
    <message>
        <location filename="../qml/AccountDelegate.qml" line="83"/>
        <source>Health %1 of 100</source>
        <translation>健康度 %1/100</translation>
    </message>
    <message>
        <location filename="../qml/AccountDelegate.qml" line="83"/>
        <source>Health not computed yet</source>
        <translation>健康度尚未计算</translation>
    </message>
</context>
<context>
    <name>CustomerPage</name>
    <message>
        <location filename="../qml/CustomerPage.qml" line="25"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="82"/>
        <source>Edit customer</source>
        <translation>编辑客户</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="128"/>
        <location filename="../qml/CustomerPage.qml" line="255"/>
        <source>Log interaction</source>
        <translation>记录互动</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="196"/>
        <source>This customer is no longer on this device</source>
        <translation>此客户已不在本设备上</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="197"/>
        <source>It was deleted or given to someone else.</source>
        <translation>该客户已被删除或转给了其他人。</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="244"/>
        <source>Changes not sent yet</source>
        <translation>更改尚未发送</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="262"/>
        <source>Edit</source>
        <translation>编辑</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="271"/>
        <source>Indicators</source>
        <translation>指标</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="326"/>
        <source>%1 of 100</source>
        <translation>%1/100</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="352"/>
        <source>%1 %2/5</source>
        <translation>%1 %2/5</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="363"/>
        <source>Contact</source>
        <translation>联系方式</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="367"/>
        <source>No phone, email or address yet</source>
        <translation>暂无电话、邮箱或地址</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="389"/>
        <source>Call</source>
        <translation>拨打</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="396"/>
        <source>Message</source>
        <translation>发短信</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="419"/>
        <source>Email</source>
        <translation>发邮件</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="453"/>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="469"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="478"/>
        <source>Contacts</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="482"/>
        <source>No contacts yet</source>
        <translation>暂无联系人</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="484"/>
        <source>New contact</source>
        <translation>新建联系人</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="489"/>
        <source>Sites</source>
        <translation>服务地点</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="493"/>
        <source>No sites yet</source>
        <translation>暂无服务地点</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="495"/>
        <source>New site</source>
        <translation>新建服务地点</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="501"/>
        <source>Timeline</source>
        <translation>时间线</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="506"/>
        <source>No interactions yet</source>
        <translation>暂无互动记录</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="508"/>
        <source>Log</source>
        <translation>记录</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="514"/>
        <source>Orders</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="519"/>
        <source>No orders yet</source>
        <translation>暂无订单</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="524"/>
        <source>Open opportunities</source>
        <translation>进行中的商机</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="528"/>
        <source>No open opportunities</source>
        <translation>暂无进行中的商机</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="531"/>
        <source>New opportunity</source>
        <translation>新建商机</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="536"/>
        <source>Cases</source>
        <translation>服务工单</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="541"/>
        <source>No cases</source>
        <translation>暂无服务工单</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="543"/>
        <source>New case</source>
        <translation>新建服务工单</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="548"/>
        <source>Service tasks</source>
        <translation>服务任务</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="553"/>
        <source>No service tasks</source>
        <translation>暂无服务任务</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="558"/>
        <source>Competitor notes</source>
        <translation>竞争对手记录</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="563"/>
        <source>No competitor notes yet</source>
        <translation>暂无竞争对手记录</translation>
    </message>
    <message>
        <location filename="../qml/CustomerPage.qml" line="565"/>
        <source>New competitor note</source>
        <translation>新建竞争对手记录</translation>
    </message>
</context>
<context>
    <name>CustomersPage</name>
    <message>
        <location filename="../qml/CustomersPage.qml" line="12"/>
        <source>Customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="88"/>
        <source>%1 of %2 records</source>
        <translation>已下载 %1/%2 条记录</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="89"/>
        <source>Downloading your customers…</source>
        <translation>正在下载您的客户…</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="105"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="105"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="133"/>
        <source>Search name, phone, email, city</source>
        <translation>搜索名称、电话、邮箱、城市</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="153"/>
        <source>All tiers</source>
        <translation>全部等级</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="154"/>
        <location filename="../qml/CustomersPage.qml" line="155"/>
        <location filename="../qml/CustomersPage.qml" line="156"/>
        <source>Tier %1</source>
        <translation>%1 级</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="168"/>
        <source>All stages</source>
        <translation>全部阶段</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="188"/>
        <source>All territories</source>
        <translation>全部区域</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="201"/>
        <source>Segment</source>
        <translation>客户细分</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="213"/>
        <source>More than %1 customers</source>
        <translation>超过 %1 个客户</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="214"/>
        <source>1 customer</source>
        <translation>1 个客户</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/CustomersPage.qml" line="214"/>
        <source>%n customers</source>
        <translation>
            <numerusform>%n 个客户</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="252"/>
        <source>No customer matches “%1”</source>
        <translation>没有与“%1”匹配的客户</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="254"/>
        <source>No customer matches these filters</source>
        <translation>没有符合筛选条件的客户</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="256"/>
        <source>Your customers are being downloaded…</source>
        <translation>正在下载您的客户…</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="257"/>
        <source>No customers yet</source>
        <translation>暂无客户</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="262"/>
        <source>They appear here after the first sync with the server.</source>
        <translation>与服务器首次同步后，客户将显示在这里。</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="263"/>
        <source>Tap + to add one.</source>
        <translation>点击 + 添加客户。</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="265"/>
        <source>Clear search</source>
        <translation>清除搜索</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="266"/>
        <source>Clear filters</source>
        <translation>清除筛选</translation>
    </message>
    <message>
        <location filename="../qml/CustomersPage.qml" line="285"/>
        <source>New customer</source>
        <translation>新建客户</translation>
    </message>
</context>
<context>
    <name>FieldEditor</name>
    <message>
        <location filename="../qml/FieldEditor.qml" line="35"/>
        <source>Enter the date and time as yyyy-MM-dd HH:mm.</source>
        <translation>请按 yyyy-MM-dd HH:mm 格式输入日期和时间。</translation>
    </message>
    <message>
        <location filename="../qml/FieldEditor.qml" line="37"/>
        <source>Enter the date as yyyy-MM-dd.</source>
        <translation>请按 yyyy-MM-dd 格式输入日期。</translation>
    </message>
    <message>
        <location filename="../qml/FieldEditor.qml" line="40"/>
        <source>Enter a number.</source>
        <translation>请输入数字。</translation>
    </message>
    <message>
        <location filename="../qml/FieldEditor.qml" line="42"/>
        <source>Some entries are not filled in correctly.</source>
        <translation>部分条目填写有误。</translation>
    </message>
    <message>
        <location filename="../qml/FieldEditor.qml" line="240"/>
        <source>Yes</source>
        <translation>是</translation>
    </message>
    <message>
        <location filename="../qml/FieldEditor.qml" line="240"/>
        <source>No</source>
        <translation>否</translation>
    </message>
    <message>
        <location filename="../qml/FieldEditor.qml" line="256"/>
        <location filename="../qml/FieldEditor.qml" line="360"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../qml/FieldEditor.qml" line="261"/>
        <source>Choose…</source>
        <translation>请选择…</translation>
    </message>
    <message>
        <location filename="../qml/FieldEditor.qml" line="282"/>
        <source>yyyy-MM-dd HH:mm</source>
        <comment>date and time input; the field accepts only this format</comment>
        <translation>yyyy-MM-dd HH:mm</translation>
    </message>
    <message>
        <location filename="../qml/FieldEditor.qml" line="299"/>
        <source>Now</source>
        <translation>现在</translation>
    </message>
    <message>
        <location filename="../qml/FieldEditor.qml" line="311"/>
        <source>yyyy-MM-dd</source>
        <comment>date input; the field accepts only this format</comment>
        <translation>yyyy-MM-dd</translation>
    </message>
    <message>
        <location filename="../qml/FieldEditor.qml" line="371"/>
        <source>Linked %1</source>
        <translation>已关联的%1</translation>
    </message>
    <message>
        <location filename="../qml/FieldEditor.qml" line="465"/>
        <location filename="../qml/FieldEditor.qml" line="569"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../qml/FieldEditor.qml" line="564"/>
        <source>Entry %1</source>
        <translation>第 %1 项</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../qml/Labels.qml" line="14"/>
        <source>customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="15"/>
        <source>contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="16"/>
        <source>interaction</source>
        <translation>互动记录</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="17"/>
        <source>opportunity</source>
        <translation>商机</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="18"/>
        <source>order</source>
        <translation>订单</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="19"/>
        <source>case</source>
        <translation>服务工单</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="20"/>
        <source>service task</source>
        <translation>服务任务</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="21"/>
        <source>competitor note</source>
        <translation>竞争对手记录</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="22"/>
        <source>site</source>
        <translation>服务地点</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="23"/>
        <source>product</source>
        <translation>产品</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="24"/>
        <source>campaign</source>
        <translation>营销活动</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="25"/>
        <source>campaign target</source>
        <translation>活动目标客户</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="26"/>
        <source>user</source>
        <translation>用户</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="27"/>
        <source>territory</source>
        <translation>销售区域</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="33"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="34"/>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="35"/>
        <source>Industry</source>
        <translation>行业</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="36"/>
        <source>Tax ID</source>
        <translation>税号</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="37"/>
        <source>Phones</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="38"/>
        <source>Emails</source>
        <translation>邮箱</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="39"/>
        <location filename="../qml/Labels.qml" line="212"/>
        <source>Messaging</source>
        <translation>即时通讯</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="40"/>
        <source>Addresses</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="41"/>
        <source>Owner</source>
        <translation>负责人</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="42"/>
        <source>Territory</source>
        <translation>销售区域</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="43"/>
        <source>Tags</source>
        <translation>标签</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="44"/>
        <source>Website</source>
        <translation>网站</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="45"/>
        <source>Notes</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="46"/>
        <source>Parent company</source>
        <translation>上级公司</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="47"/>
        <source>Lifecycle stage</source>
        <translation>生命周期阶段</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="48"/>
        <source>Segment</source>
        <translation>客户细分</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="49"/>
        <source>Recency</source>
        <translation>最近消费</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="50"/>
        <source>Frequency</source>
        <translation>消费频率</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="51"/>
        <source>Monetary value</source>
        <translation>消费金额</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="52"/>
        <source>Value tier</source>
        <translation>价值等级</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="53"/>
        <source>Health score</source>
        <translation>健康度</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="54"/>
        <source>Preferred language</source>
        <translation>首选语言</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="55"/>
        <source>Customer</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="56"/>
        <source>First name</source>
        <translation>名</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="57"/>
        <source>Last name</source>
        <translation>姓</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="58"/>
        <source>Job title</source>
        <translation>职位</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="59"/>
        <source>Role</source>
        <translation>角色</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="60"/>
        <source>Preferred channel</source>
        <translation>首选联系方式</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="61"/>
        <source>Birthday</source>
        <translation>生日</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="62"/>
        <location filename="../qml/Labels.qml" line="455"/>
        <source>Do not contact</source>
        <translation>请勿联系</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="63"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="64"/>
        <source>Access notes</source>
        <translation>到访须知</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="65"/>
        <source>Opening hours</source>
        <translation>营业时间</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="66"/>
        <source>Contact</source>
        <translation>联系人</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="67"/>
        <source>Channel</source>
        <translation>渠道</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="68"/>
        <source>Direction</source>
        <translation>发起方</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="69"/>
        <source>Subject</source>
        <translation>主题</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="70"/>
        <source>Planned start</source>
        <translation>计划开始时间</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="71"/>
        <source>Planned end</source>
        <translation>计划结束时间</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="72"/>
        <source>Date and time</source>
        <translation>日期和时间</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="73"/>
        <source>End</source>
        <translation>结束时间</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="74"/>
        <source>Duration (minutes)</source>
        <translation>时长（分钟）</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="75"/>
        <source>Outcome</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="76"/>
        <source>Check-in position</source>
        <translation>签到位置</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="77"/>
        <source>Check-out position</source>
        <translation>签退位置</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="78"/>
        <source>Satisfaction (1–5)</source>
        <translation>满意度（1–5）</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="79"/>
        <source>Customer feedback</source>
        <translation>客户反馈</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="80"/>
        <source>Opportunity</source>
        <translation>商机</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="81"/>
        <source>Case</source>
        <translation>服务工单</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="82"/>
        <source>Service task</source>
        <translation>服务任务</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="83"/>
        <source>Rep</source>
        <translation>销售代表</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="84"/>
        <source>Stage</source>
        <translation>阶段</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="85"/>
        <source>Win probability (%)</source>
        <translation>赢单概率（%）</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="86"/>
        <source>Amount</source>
        <translation>金额</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="87"/>
        <source>Currency</source>
        <translation>币种</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="88"/>
        <source>Expected close</source>
        <translation>预计成交日期</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="89"/>
        <source>Next step</source>
        <translation>下一步</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="90"/>
        <source>Competitors</source>
        <translation>竞争对手</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="91"/>
        <source>Reason lost</source>
        <translation>丢单原因</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="92"/>
        <source>Products</source>
        <translation>产品</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="93"/>
        <source>Order number</source>
        <translation>订单号</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="94"/>
        <source>Ordered at</source>
        <translation>下单时间</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="95"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="96"/>
        <source>Total</source>
        <translation>总额</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="97"/>
        <source>Description</source>
        <translation>描述</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="98"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="99"/>
        <source>Category</source>
        <translation>分类</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="100"/>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="101"/>
        <source>Opened at</source>
        <translation>创建时间</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="102"/>
        <source>Response due</source>
        <translation>响应截止时间</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="103"/>
        <source>Resolution due</source>
        <translation>解决截止时间</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="104"/>
        <source>First response</source>
        <translation>首次响应时间</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="105"/>
        <source>Resolved at</source>
        <translation>解决时间</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="106"/>
        <source>Resolution</source>
        <translation>解决方案</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="107"/>
        <source>Assignee</source>
        <translation>处理人</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="108"/>
        <source>Site</source>
        <translation>服务地点</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="109"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="110"/>
        <source>Required skills</source>
        <translation>所需技能</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="111"/>
        <source>Window start</source>
        <translation>服务时段开始</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="112"/>
        <source>Window end</source>
        <translation>服务时段结束</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="113"/>
        <source>Checklist</source>
        <translation>检查清单</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="114"/>
        <source>Work done</source>
        <translation>已完成工作</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="115"/>
        <source>Signature</source>
        <translation>签名</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="116"/>
        <source>Estimated minutes</source>
        <translation>预计时长（分钟）</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="117"/>
        <source>Competitor</source>
        <translation>竞争对手</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="118"/>
        <location filename="../qml/Labels.qml" line="135"/>
        <source>Product</source>
        <translation>产品</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="119"/>
        <source>Price seen</source>
        <translation>竞品价格</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="120"/>
        <source>Strengths</source>
        <translation>优势</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="121"/>
        <source>Weaknesses</source>
        <translation>劣势</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="122"/>
        <source>Observed on</source>
        <translation>观察日期</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="123"/>
        <source>Number</source>
        <translation>号码</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="124"/>
        <source>Network</source>
        <translation>平台</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="125"/>
        <source>ID on the network</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="126"/>
        <source>Street</source>
        <translation>街道地址</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="127"/>
        <source>City</source>
        <translation>城市</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="128"/>
        <source>Postal code</source>
        <translation>邮政编码</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="129"/>
        <source>Region</source>
        <translation>地区</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="130"/>
        <source>Country code</source>
        <translation>国家代码</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="131"/>
        <source>Latitude</source>
        <translation>纬度</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="132"/>
        <source>Longitude</source>
        <translation>经度</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="133"/>
        <source>Accuracy (m)</source>
        <translation>精度（米）</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="134"/>
        <source>Taken at</source>
        <translation>定位时间</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="136"/>
        <source>Quantity</source>
        <translation>数量</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="137"/>
        <source>Unit price</source>
        <translation>单价</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="138"/>
        <source>Discount (%)</source>
        <translation>折扣（%）</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="139"/>
        <source>Key</source>
        <translation>标识</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="140"/>
        <source>Question</source>
        <translation>问题</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="141"/>
        <source>Required</source>
        <translation>必填</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="142"/>
        <location filename="../qml/Labels.qml" line="143"/>
        <location filename="../qml/Labels.qml" line="144"/>
        <source>Answer</source>
        <translation>回答</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="145"/>
        <location filename="../qml/Labels.qml" line="269"/>
        <source>Photo</source>
        <translation>照片</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="146"/>
        <source>Answered at</source>
        <translation>回答时间</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="151"/>
        <source>Add phone</source>
        <translation>添加电话</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="152"/>
        <source>Add email</source>
        <translation>添加邮箱</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="153"/>
        <source>Add messaging ID</source>
        <translation>添加通讯账号</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="154"/>
        <source>Add address</source>
        <translation>添加地址</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="155"/>
        <source>Add tag</source>
        <translation>添加标签</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="156"/>
        <source>Add competitor</source>
        <translation>添加竞争对手</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="157"/>
        <source>Add product</source>
        <translation>添加产品</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="158"/>
        <location filename="../qml/Labels.qml" line="160"/>
        <source>Add skill</source>
        <translation>添加技能</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="159"/>
        <source>Add step</source>
        <translation>添加步骤</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="166"/>
        <source>Organization or person</source>
        <comment>account.kind</comment>
        <translation>企业或个人</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="167"/>
        <source>What is being sold</source>
        <comment>opportunity.name</comment>
        <translation>销售内容</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="168"/>
        <source>Site name</source>
        <comment>site.name</comment>
        <translation>地点名称</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="169"/>
        <source>Received via</source>
        <comment>case.channel</comment>
        <translation>受理渠道</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="170"/>
        <source>Kind of work</source>
        <comment>service_task.type</comment>
        <translation>工作类型</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="283"/>
        <source>Visiting address</source>
        <comment>kind.visit</comment>
        <translation>拜访地址</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="284"/>
        <source>Number</source>
        <comment>kind.number</comment>
        <translation>数字</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="285"/>
        <source>A</source>
        <comment>value_tier.a</comment>
        <translation>A</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="286"/>
        <source>B</source>
        <comment>value_tier.b</comment>
        <translation>B</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="287"/>
        <source>C</source>
        <comment>value_tier.c</comment>
        <translation>C</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="288"/>
        <source>Lost</source>
        <comment>lifecycle_stage.lost</comment>
        <translation>已流失</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="289"/>
        <source>Lost</source>
        <comment>stage.closed_lost</comment>
        <translation>输单</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="290"/>
        <source>Question</source>
        <comment>type.question</comment>
        <translation>咨询</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="177"/>
        <source>Organization</source>
        <translation>企业</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="178"/>
        <source>Person</source>
        <translation>个人</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="180"/>
        <source>Mobile</source>
        <translation>手机</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="181"/>
        <source>Work</source>
        <translation>工作</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="182"/>
        <source>Home</source>
        <translation>家庭</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="183"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="185"/>
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="186"/>
        <source>WhatsApp</source>
        <translation>WhatsApp</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="187"/>
        <source>LINE</source>
        <translation>LINE</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="188"/>
        <source>Telegram</source>
        <translation>Telegram</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="189"/>
        <source>Signal</source>
        <translation>Signal</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="190"/>
        <source>Viber</source>
        <translation>Viber</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="191"/>
        <source>KakaoTalk</source>
        <translation>KakaoTalk</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="193"/>
        <source>Billing</source>
        <translation>开票地址</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="194"/>
        <source>Shipping</source>
        <translation>收货地址</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="196"/>
        <source>Prospect</source>
        <translation>潜在客户</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="197"/>
        <source>Lead</source>
        <translation>线索</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="198"/>
        <source>New customer</source>
        <translation>新客户</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="199"/>
        <source>Active</source>
        <translation>活跃</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="200"/>
        <source>At risk</source>
        <translation>有流失风险</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="201"/>
        <source>Dormant</source>
        <translation>休眠</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="203"/>
        <source>Decision maker</source>
        <translation>决策者</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="204"/>
        <source>Influencer</source>
        <translation>影响者</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="205"/>
        <source>User</source>
        <translation>使用者</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="206"/>
        <source>Purchaser</source>
        <translation>采购</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="207"/>
        <source>Technical</source>
        <translation>技术</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="209"/>
        <source>Visit</source>
        <translation>拜访</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="210"/>
        <source>Phone</source>
        <translation>电话</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="211"/>
        <source>Email</source>
        <translation>邮件</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="213"/>
        <source>Fax</source>
        <translation>传真</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="214"/>
        <source>SMS</source>
        <translation>短信</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="215"/>
        <source>Meeting</source>
        <translation>会议</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="216"/>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="217"/>
        <source>Web</source>
        <translation>网页</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="219"/>
        <source>Inbound</source>
        <translation>客户发起</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="220"/>
        <source>Outbound</source>
        <translation>我方发起</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="222"/>
        <source>Completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="223"/>
        <source>No answer</source>
        <translation>无人接听</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="224"/>
        <source>Left a message</source>
        <translation>已留言</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="225"/>
        <source>Rescheduled</source>
        <translation>已改期</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="226"/>
        <source>Cancelled</source>
        <translation>已取消</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="227"/>
        <source>Follow-up needed</source>
        <translation>需跟进</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="229"/>
        <source>Prospecting</source>
        <translation>初步接触</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="230"/>
        <source>Qualification</source>
        <translation>资格确认</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="231"/>
        <source>Needs analysis</source>
        <translation>需求分析</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="232"/>
        <source>Proposal</source>
        <translation>方案报价</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="233"/>
        <source>Negotiation</source>
        <translation>商务谈判</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="234"/>
        <source>Won</source>
        <translation>赢单</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="236"/>
        <source>Draft</source>
        <translation>草稿</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="237"/>
        <source>Placed</source>
        <translation>已下单</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="238"/>
        <source>Shipped</source>
        <translation>已发货</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="239"/>
        <source>Delivered</source>
        <translation>已送达</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="240"/>
        <source>Returned</source>
        <translation>已退货</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="242"/>
        <source>Service request</source>
        <translation>服务请求</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="243"/>
        <source>Complaint</source>
        <translation>投诉</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="244"/>
        <source>Return</source>
        <translation>退货</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="245"/>
        <source>Low</source>
        <translation>低</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="246"/>
        <source>Normal</source>
        <translation>普通</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="247"/>
        <source>High</source>
        <translation>高</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="248"/>
        <source>Urgent</source>
        <translation>紧急</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="249"/>
        <source>New</source>
        <translation>新建</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="250"/>
        <source>Open</source>
        <translation>处理中</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="251"/>
        <source>Waiting for customer</source>
        <translation>等待客户</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="252"/>
        <source>Resolved</source>
        <translation>已解决</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="253"/>
        <source>Closed</source>
        <translation>已关闭</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="255"/>
        <source>Installation</source>
        <translation>安装</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="256"/>
        <source>Maintenance</source>
        <translation>维护</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="257"/>
        <source>Repair</source>
        <translation>维修</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="258"/>
        <source>Inspection</source>
        <translation>巡检</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="259"/>
        <source>Delivery</source>
        <translation>配送</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="260"/>
        <source>Assigned</source>
        <translation>已分派</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="261"/>
        <source>Accepted</source>
        <translation>已接单</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="262"/>
        <source>On the way</source>
        <translation>前往途中</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="263"/>
        <source>On site</source>
        <translation>已到场</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="264"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="265"/>
        <source>Cannot complete</source>
        <translation>无法完成</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="267"/>
        <source>Yes or no</source>
        <translation>是/否</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="268"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="271"/>
        <source>Pending</source>
        <translation>待回复</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="272"/>
        <source>Interested</source>
        <translation>有意向</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="273"/>
        <source>Not interested</source>
        <translation>无意向</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="274"/>
        <source>Converted</source>
        <translation>已转化</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="275"/>
        <source>Unreachable</source>
        <translation>无法联系</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="277"/>
        <source>Sales rep</source>
        <translation>销售代表</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="278"/>
        <source>Dispatcher</source>
        <translation>调度员</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="279"/>
        <source>Administrator</source>
        <translation>管理员</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="320"/>
        <source>Not computed yet</source>
        <translation>尚未计算</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="348"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="434"/>
        <source>Order %1</source>
        <translation>订单 %1</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="440"/>
        <source>Untitled %1</source>
        <translation>未命名%1</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="460"/>
        <source>Open: %1</source>
        <translation>营业时间：%1</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="469"/>
        <source>Satisfaction %1</source>
        <translation>满意度 %1</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="481"/>
        <source>Expected close %1</source>
        <translation>预计成交：%1</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="483"/>
        <source>Next: %1</source>
        <translation>下一步：%1</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="489"/>
        <source>Opened %1</source>
        <translation>创建于 %1</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="500"/>
        <source>Strengths: %1</source>
        <translation>优势：%1</translation>
    </message>
    <message>
        <location filename="../qml/Labels.qml" line="502"/>
        <source>Weaknesses: %1</source>
        <translation>劣势：%1</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <location filename="../qml/Main.qml" line="15"/>
        <source>M-CRM</source>
        <translation>M-CRM</translation>
    </message>
    <message>
        <location filename="../qml/Main.qml" line="68"/>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <location filename="../qml/Main.qml" line="91"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../qml/Main.qml" line="91"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../qml/Main.qml" line="188"/>
        <source>New customer</source>
        <translation>新建客户</translation>
    </message>
    <message>
        <location filename="../qml/Main.qml" line="250"/>
        <source>Select a customer</source>
        <translation>请选择客户</translation>
    </message>
    <message>
        <location filename="../qml/Main.qml" line="251"/>
        <source>Their contact details, history and open business appear here.</source>
        <translation>客户的联系方式、往来记录和进行中的业务将显示在这里。</translation>
    </message>
    <message>
        <location filename="../qml/Main.qml" line="279"/>
        <source>Customers</source>
        <translation>客户</translation>
    </message>
    <message>
        <location filename="../qml/Main.qml" line="286"/>
        <source>Sync (%1)</source>
        <translation>同步（%1）</translation>
    </message>
    <message>
        <location filename="../qml/Main.qml" line="286"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../qml/Main.qml" line="291"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
</context>
<context>
    <name>RecordFormPage</name>
    <message>
        <location filename="../qml/RecordFormPage.qml" line="27"/>
        <source>New %1</source>
        <translation>新建%1</translation>
    </message>
    <message>
        <location filename="../qml/RecordFormPage.qml" line="27"/>
        <source>Edit %1</source>
        <translation>编辑%1</translation>
    </message>
    <message>
        <location filename="../qml/RecordFormPage.qml" line="157"/>
        <source>Some fields are not filled in correctly.</source>
        <translation>部分字段填写有误。</translation>
    </message>
    <message>
        <location filename="../qml/RecordFormPage.qml" line="255"/>
        <source>Nothing to edit here.</source>
        <translation>此处没有可编辑的内容。</translation>
    </message>
    <message>
        <location filename="../qml/RecordFormPage.qml" line="271"/>
        <source>* required</source>
        <translation>* 必填</translation>
    </message>
    <message>
        <location filename="../qml/RecordFormPage.qml" line="283"/>
        <source>Save</source>
        <translation>保存</translation>
    </message>
</context>
<context>
    <name>RecordRowDelegate</name>
    <message>
        <location filename="../qml/RecordRowDelegate.qml" line="80"/>
        <source>Not sent</source>
        <translation>未发送</translation>
    </message>
    <message>
        <location filename="../qml/RecordRowDelegate.qml" line="93"/>
        <source>Call %1</source>
        <translation>呼叫 %1</translation>
    </message>
</context>
<context>
    <name>RecordSection</name>
    <message>
        <location filename="../qml/RecordSection.qml" line="21"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../qml/RecordSection.qml" line="75"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../qml/RecordSection.qml" line="120"/>
        <source>Show all (%1)</source>
        <translation>显示全部（%1）</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <location filename="../qml/SettingsPage.qml" line="10"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="37"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="47"/>
        <source>System</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="59"/>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="76"/>
        <source>Sign out to use another server.</source>
        <translation>如需使用其他服务器，请先退出登录。</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="83"/>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="87"/>
        <source>Signed in as %1 (%2)</source>
        <translation>当前登录：%1（%2）</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="93"/>
        <source>Role: %1</source>
        <translation>角色：%1</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="100"/>
        <location filename="../qml/SettingsPage.qml" line="148"/>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="106"/>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="110"/>
        <source>App version: %1</source>
        <translation>应用版本：%1</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="116"/>
        <source>Server version: %1</source>
        <translation>服务器版本：%1</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="116"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="135"/>
        <source>Sign out?</source>
        <translation>要退出登录吗？</translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="140"/>
        <source>1 change has not reached the server and will be lost. Sign out anyway?</source>
        <translation>有 1 项更改尚未发送到服务器，退出后将丢失。仍要退出登录吗？</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/SettingsPage.qml" line="141"/>
        <source>%n changes have not reached the server and will be lost. Sign out anyway?</source>
        <translation>
            <numerusform>有 %n 项更改尚未发送到服务器，退出后将丢失。仍要退出登录吗？</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/SettingsPage.qml" line="153"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <location filename="../qml/SignInPage.qml" line="10"/>
        <location filename="../qml/SignInPage.qml" line="122"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../qml/SignInPage.qml" line="19"/>
        <source>Enter the server address.</source>
        <translation>请输入服务器地址。</translation>
    </message>
    <message>
        <location filename="../qml/SignInPage.qml" line="21"/>
        <source>Enter your login and password.</source>
        <translation>请输入用户名和密码。</translation>
    </message>
    <message>
        <location filename="../qml/SignInPage.qml" line="50"/>
        <source>M-CRM</source>
        <translation>M-CRM</translation>
    </message>
    <message>
        <location filename="../qml/SignInPage.qml" line="56"/>
        <source>Sign in with the login your administrator gave you. Your customers are then kept on this device, so you can work offline.</source>
        <translation>请使用管理员提供的用户名登录。登录后，您的客户数据将保存在本设备上，离线时也能工作。</translation>
    </message>
    <message>
        <location filename="../qml/SignInPage.qml" line="65"/>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../qml/SignInPage.qml" line="70"/>
        <source>host:port</source>
        <translation>host:port</translation>
    </message>
    <message>
        <location filename="../qml/SignInPage.qml" line="80"/>
        <source>Login</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../qml/SignInPage.qml" line="95"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <location filename="../qml/SyncPage.qml" line="11"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="34"/>
        <source>Untitled %1</source>
        <translation>未命名%1</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="54"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="70"/>
        <source>Syncing…</source>
        <translation>正在同步…</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="66"/>
        <source>Online</source>
        <translation>在线</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="66"/>
        <source>Offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="76"/>
        <source>Last successful sync: %1</source>
        <translation>上次成功同步：%1</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="77"/>
        <source>Last successful sync: Never</source>
        <translation>上次成功同步：从未</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="93"/>
        <source>Sync now</source>
        <translation>立即同步</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="115"/>
        <source>%1 of %2 records</source>
        <translation>已下载 %1/%2 条记录</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="116"/>
        <source>Downloading your customers…</source>
        <translation>正在下载您的客户…</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="130"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="130"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="140"/>
        <source>Pending changes (%1)</source>
        <translation>未发送的更改（%1）</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="140"/>
        <source>Pending changes</source>
        <translation>未发送的更改</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="145"/>
        <source>Everything is sent</source>
        <translation>所有更改均已发送</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="152"/>
        <source>The server refused 1 change. Open it to fix it, or discard it.</source>
        <translation>服务器拒绝了 1 项更改。请打开它进行修改，或将其放弃。</translation>
    </message>
    <message numerus="yes">
        <location filename="../qml/SyncPage.qml" line="153"/>
        <source>The server refused %n changes. Open them to fix them, or discard them.</source>
        <translation>
            <numerusform>服务器拒绝了 %n 项更改。请逐项打开进行修改，或将其放弃。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="185"/>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="193"/>
        <source>Refused: %1</source>
        <translation>被拒绝：%1</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="193"/>
        <source>no reason given</source>
        <translation>未说明原因</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="194"/>
        <source>Waiting to be sent</source>
        <translation>等待发送</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="205"/>
        <source>Open</source>
        <translation>打开</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="211"/>
        <location filename="../qml/SyncPage.qml" line="338"/>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="227"/>
        <source>Conflicts (%1)</source>
        <translation>冲突（%1）</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="227"/>
        <source>Conflicts</source>
        <translation>冲突</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="232"/>
        <source>No conflicts</source>
        <translation>没有冲突</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="238"/>
        <source>Someone else changed the same field while you did. The marked value is the one kept; choose the other if it is the right one.</source>
        <translation>在您修改的同时，其他人也修改了同一字段。带标记的值是当前保留的值；如果另一个值才是正确的，请选择另一个。</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="263"/>
        <source>Field: %1</source>
        <translation>字段：%1</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="274"/>
        <source>Mine: %1</source>
        <translation>我的：%1</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="274"/>
        <location filename="../qml/SyncPage.qml" line="284"/>
        <source>(empty)</source>
        <translation>（空）</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="284"/>
        <source>Theirs: %1</source>
        <translation>服务器的：%1</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="298"/>
        <source>Keep mine</source>
        <translation>保留我的</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="304"/>
        <source>Keep theirs</source>
        <translation>保留服务器的</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="328"/>
        <source>Discard this change?</source>
        <translation>要放弃此更改吗？</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="331"/>
        <source>Your change to “%1” will be deleted from this device and never reach the server.</source>
        <translation>您对“%1”的更改将从本设备删除，且永远不会发送到服务器。</translation>
    </message>
    <message>
        <location filename="../qml/SyncPage.qml" line="343"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>mcrm::mobile::RecordListModel</name>
    <message>
        <location filename="../src/app/record_list_model.cc" line="237"/>
        <source>Unknown filter: %1</source>
        <translation>未知的筛选条件：%1</translation>
    </message>
    <message>
        <location filename="../src/app/record_list_model.cc" line="247"/>
        <source>Not a field of an entity: %1</source>
        <translation>不是实体的字段：%1</translation>
    </message>
</context>
<context>
    <name>mcrm::mobile::SessionManager</name>
    <message>
        <location filename="../src/app/session_manager.cc" line="103"/>
        <source>Sign in again to sync.</source>
        <translation>请重新登录以继续同步。</translation>
    </message>
    <message>
        <location filename="../src/app/session_manager.cc" line="117"/>
        <source>The server address is not valid: %1</source>
        <translation>服务器地址无效：%1</translation>
    </message>
    <message>
        <location filename="../src/app/session_manager.cc" line="122"/>
        <source>Enter your login and password.</source>
        <translation>请输入用户名和密码。</translation>
    </message>
    <message>
        <location filename="../src/app/session_manager.cc" line="319"/>
        <source>This device was revoked by your administrator. Its data has been removed.</source>
        <translation>此设备的访问权限已被管理员撤销，设备上的数据已被删除。</translation>
    </message>
    <message>
        <location filename="../src/app/session_manager.cc" line="149"/>
        <source>Wrong login or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <location filename="../src/app/session_manager.cc" line="152"/>
        <source>The server at %1 cannot be reached. Check the address and your network.</source>
        <translation>无法连接到服务器 %1。请检查地址和网络。</translation>
    </message>
    <message>
        <location filename="../src/app/session_manager.cc" line="155"/>
        <source>This user may not sign in. Ask your administrator.</source>
        <translation>此用户无权登录，请联系管理员。</translation>
    </message>
    <message>
        <location filename="../src/app/session_manager.cc" line="157"/>
        <source>Sign-in failed: %1</source>
        <translation>登录失败：%1</translation>
    </message>
    <message>
        <location filename="../src/app/session_manager.cc" line="179"/>
        <source>The device&apos;s data cannot be opened: %1</source>
        <translation>无法打开本设备上的数据：%1</translation>
    </message>
    <message>
        <location filename="../src/app/session_manager.cc" line="252"/>
        <source>Your session has ended. Sign in again; your unsent changes are kept.</source>
        <translation>您的会话已结束，请重新登录；未发送的更改已保留。</translation>
    </message>
    <message>
        <location filename="../src/app/session_manager.cc" line="257"/>
        <source>The server cannot be reached. Changes are kept on this device.</source>
        <translation>无法连接到服务器。更改已保存在本设备上。</translation>
    </message>
</context>
</TS>
