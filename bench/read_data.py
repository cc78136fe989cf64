"""Rows for the read benchmark (bench/read.py): 100,000 realistic suggestions, pure and seeded.

Titles are 关于<topic>的建议 from ~300 topic phrases over the 10 categories, bodies
200–1,500 characters of sentences in the style of real 代表建议 (situation, problems,
proposals), ~400 deputies, 3 sessions, statuses spread over the whole life.
Places, roads, rivers and names come from scripts/demo_data.py.
"""
from __future__ import annotations

import random
import uuid
from datetime import datetime, timedelta, timezone

from scripts.demo_data import REGIONS, RIVERS, ROADS, UNITS, person_names

SESSIONS = [("十六届一次", datetime(2024, 1, 8, tzinfo=timezone.utc)),
            ("十六届二次", datetime(2025, 1, 13, tzinfo=timezone.utc)),
            ("十六届三次", datetime(2026, 1, 12, tzinfo=timezone.utc))]

CATEGORY_WEIGHTS = {"edu": 14, "transport": 13, "agri": 7, "industry": 9, "urban": 16, "finance": 5,
                    "law": 8, "civil": 14, "eco": 10, "other": 4}

# {d} district, {s} street, {c} community, {r} road, {v} river
TOPICS = {
    "transport": [
        "解决{c}居民公交出行难问题", "优化{r}交通信号灯配时", "在{d}增设公共停车场", "加密{d}至市中心公交线路",
        "整治{r}沿线占道停车", "在{c}附近增设地铁接驳公交站点", "规范{d}快递驿站设置", "缓解{d}老城区停车难",
        "开通{c}至{s}社区微循环公交", "改善{r}早晚高峰交通拥堵", "在学校周边设置接送停车区", "推进公交站台适老化改造",
        "完善{d}共享单车停放管理", "增设{r}过街天桥", "延长地铁末班车运营时间", "建设{d}公交首末站",
        "治理网约车违规揽客", "规范出租车服务质量", "推进农村客运公交化改造", "加快{d}城市道路微循环建设",
        "提高{d}5G网络覆盖水平", "完善{c}快递末端服务设施", "优化{r}公交专用道设置", "解决医院周边停车难",
        "在{d}建设立体停车库", "推进新能源汽车充电桩进小区", "加强{r}货车限行管理", "打通{d}断头路",
        "规范电动自行车上路行驶", "加快{d}至高铁站快速路建设",
    ],
    "edu": [
        "加大城区幼儿园建设力度", "在{d}新建一所公办初级中学", "推进{s}社区卫生服务中心标准化建设",
        "完善中小学课后服务", "建设{d}全民健身中心", "加强{d}基层图书馆建设", "缓解{d}中小学学位紧张",
        "增加普惠性幼儿园学位", "提高乡村教师待遇", "推进义务教育优质均衡发展", "加强中小学生心理健康教育",
        "规范校外培训机构", "推进职业教育产教融合", "加强校园周边食品安全管理", "改善{d}中小学办学条件",
        "推进体育场馆向社会免费开放", "加强{d}文物保护利用", "提升基层医疗服务能力", "加强家庭医生签约服务",
        "推进托育服务体系建设", "加强青少年近视防控", "建设{c}社区健身步道", "推进中小学智慧校园建设",
        "提高特殊教育保障水平", "缓解大医院看病难", "加强儿科医生队伍建设", "推进{d}公共文化服务设施建设",
        "加强中小学劳动教育", "提升{d}博物馆公共服务水平", "推进优质教育资源共享",
    ],
    "agri": [
        "加快{d}高标准农田建设", "完善{s}农村饮水安全保障", "支持{d}特色农产品品牌建设", "清理{v}河道淤积",
        "加强{s}农田水利设施维护", "推进农村人居环境整治", "发展壮大村级集体经济", "加强农村公路养护",
        "推进农村生活污水治理", "完善农业保险政策", "扶持家庭农场和农民合作社发展", "加强耕地保护",
        "推进乡村振兴示范村建设", "加强{v}防汛设施建设", "完善农产品冷链物流体系", "培育新型职业农民",
        "推进农村电商发展", "加强动物防疫体系建设", "提高种粮农民补贴标准", "推进{d}美丽乡村建设",
        "加强农村宅基地管理", "推进农村厕所改造", "发展{d}休闲农业和乡村旅游", "加强{v}水土保持",
        "完善农村养老服务体系",
    ],
    "industry": [
        "支持中小微企业数字化转型", "进一步优化{d}营商环境", "加快{d}产业园区配套建设", "推动制造业高质量发展",
        "规范{s}农贸市场经营秩序", "加快5G基站建设和应用", "支持民营企业发展壮大", "推进{d}老旧工业区更新改造",
        "加强企业用工保障", "培育专精特新企业", "推进工业互联网平台建设", "支持{d}夜间经济发展",
        "加强知识产权保护", "推动传统商圈转型升级", "降低企业物流成本", "加快数字经济发展",
        "支持外贸企业稳订单拓市场", "加强食品生产企业监管", "建设{d}人才公寓", "推进园区循环化改造",
        "支持老字号企业传承发展", "完善{c}便民商业网点", "推进跨境电商综合试验区建设", "加强安全生产监管",
        "提升{d}招商引资质量",
    ],
    "urban": [
        "推进{c}老旧小区改造", "加快{c}既有住宅加装电梯", "解决{c}生活垃圾分类收运问题", "修复{r}破损路面",
        "解决{c}雨季内涝问题", "完善{r}路灯照明设施", "推进老旧小区加装电梯", "加强{c}物业管理",
        "规范住宅专项维修资金使用", "推进城中村改造", "加强{d}违法建设治理", "推进生活垃圾分类工作",
        "完善{c}无障碍设施", "加强{d}市容环境整治", "推进海绵城市建设", "加快保障性租赁住房建设",
        "解决{c}房产证办理难", "加强建筑工地扬尘管理", "推进地下综合管廊建设", "整治{r}架空线路",
        "加强{c}二次供水设施改造", "推进{d}背街小巷整治提升", "加快{d}燃气管道老化更新", "完善{c}停车设施",
        "规范{d}户外广告设置", "推进智慧社区建设", "加强高层建筑消防安全管理", "改善{s}老旧小区居住环境",
        "推进{d}城市更新", "解决{c}供暖不达标",
    ],
    "finance": [
        "加大普惠金融支持小微企业力度", "规范政府专项债券资金使用", "提高{d}基层财政保障水平",
        "落实小微企业税费优惠政策", "加强防范非法集资宣传", "完善政府性融资担保体系", "加强财政资金绩效管理",
        "推进{d}农村金融服务", "降低小微企业融资成本", "加强地方政府债务风险防控", "规范互联网金融平台",
        "加大对{d}转移支付力度", "完善创业担保贷款政策", "推进惠企资金免申即享", "加强个人信息和金融消费者保护",
        "发展绿色金融", "优化纳税服务", "加强养老金融产品监管", "加快政府采购资金支付", "推进{d}信用体系建设",
    ],
    "law": [
        "加强{c}周边治安巡逻", "推进基层公共法律服务体系建设", "加强电信网络诈骗防范宣传",
        "规范{d}电动自行车停放充电管理", "加强{s}人民调解组织建设", "加强未成年人保护", "推进社区矫正工作",
        "加强农民工工资支付保障", "整治{r}交通违法行为", "加强食品药品安全执法", "完善{d}视频监控网络",
        "推进诉源治理", "加强老年人防诈骗宣传", "加强校园安全管理", "规范行政执法行为", "加强法律援助工作",
        "推进{d}平安社区建设", "加强消防安全隐患排查", "打击养老诈骗", "完善{c}网格化管理",
    ],
    "civil": [
        "完善{c}居家养老服务", "提高困难群众救助标准", "在{d}建设社区嵌入式养老服务设施", "加强残疾人就业帮扶",
        "推进异地就医直接结算便利化", "加强{d}高校毕业生就业服务", "发展社区老年食堂", "提高城乡居民基础养老金",
        "加强农村留守老人关爱服务", "推进医养结合发展", "扩大长期护理保险试点", "加强退役军人服务保障",
        "完善{c}社区养老驿站", "加强困境儿童保障", "规范养老机构收费", "推进婴幼儿照护服务",
        "加强灵活就业人员社会保障", "完善最低生活保障制度", "提高医保报销比例", "推进{d}智慧养老服务平台建设",
        "加强社会组织培育", "优化{d}殡葬服务", "加强老年人助餐服务", "推进公办养老机构改革", "加强特困人员供养",
    ],
    "eco": [
        "加强{v}水环境综合治理", "治理{s}餐饮油烟扰民", "在{d}扩大口袋公园建设", "整治{r}夜间施工噪声污染",
        "加强{d}扬尘污染防治", "推进{v}黑臭水体治理", "加强工业企业排污监管", "推进垃圾分类和资源回收",
        "加强{d}大气污染联防联控", "建设{v}滨河绿道", "加强土壤污染防治", "推进{d}碳达峰行动",
        "加强机动车尾气治理", "推进{d}森林城市建设", "加强饮用水水源地保护", "整治{c}周边噪声扰民",
        "加强建筑垃圾管理", "推进光伏发电应用", "加强生物多样性保护", "推进{d}生态修复",
    ],
    "other": [
        "提升政务服务“一网通办”水平", "提高12345热线诉求办理质量", "推进{d}政务服务事项就近办理",
        "加强人大代表联络站建设", "完善代表建议办理反馈机制", "推进政务数据共享", "加强基层减负",
        "推进{d}便民服务中心建设", "加强政务公开", "优化{d}行政审批流程", "推进数字政府建设",
        "加强对口支援协作", "完善信访工作机制", "推进“高效办成一件事”",
    ],
}

# sentence templates; {p} a place, {n} a number, {pct} a percentage, {y} a year
GENERAL_SITUATION = [
    "近年来，{p}常住人口持续增长，群众对公共服务的需求日益多样化。",
    "代表在走访{p}时了解到，群众对此反映较为集中。",
    "据{p}居民委员会统计，相关诉求占全年来电来访的{pct}左右。",
    "{y}年以来，有关部门做了大量工作，取得了一定成效，但与群众期待相比仍有差距。",
    "通过人大代表联络站收集的意见显示，该问题已连续多年被群众提出。",
    "代表多次深入{p}开展调研，召开座谈会{n}次，听取了居民、商户和基层干部的意见。",
    "该问题涉及多个部门，职责交叉，群众反映后往往得不到及时解决。",
    "随着城市化进程加快，{p}基础设施建设相对滞后的问题日益突出。",
    "从调研情况看，问题产生的原因是多方面的，既有历史遗留因素，也有规划建设滞后的因素。",
    "部分政策在基层落实过程中存在“最后一公里”问题，群众获得感不强。",
    "相关工作缺乏长效机制，往往是集中整治后不久又出现反弹。",
    "资金投入不足是制约工作推进的重要因素，{y}年相关预算仅安排{n}万元。",
    "基层工作人员力量薄弱，一人承担多项任务，难以做到精细化管理。",
    "群众参与渠道不够畅通，对相关政策和工作进展知晓率不高。",
    "与周边先进地区相比，我市在这方面的工作还有较大提升空间。",
    "{p}位于城乡结合部，人口流动性大，管理难度较大。",
    "部分设施建成后重建设、轻管理，维护资金没有着落，使用效果打了折扣。",
    "信息化手段运用不够，部门之间数据不共享，群众办事需要重复提交材料。",
    "代表在履职过程中多次收到相关来信，反映的问题具有一定的普遍性。",
    "{y}年市政府工作报告对此提出了明确要求，但目前进展还不够理想。",
    "据不完全统计，{p}涉及该问题的住户约有{n}户。",
    "群众普遍认为，这是关系切身利益的民生实事，希望尽快得到解决。",
    "有关部门曾于{y}年作出答复，但后续落实情况未向群众公开。",
    "该区域规划调整后，配套建设没有同步跟进，形成了新的短板。",
    "社区干部反映，类似问题在辖区内普遍存在，仅靠社区层面难以解决。",
    "媒体对此也进行过报道，引起了社会的广泛关注。",
    "从长远看，如不及时加以解决，将影响城市整体形象和群众满意度。",
    "部分群众对现行政策理解不到位，相关宣传解读工作有待加强。",
    "工作中还存在标准不统一、考核不严格、奖惩不到位等问题。",
    "一些好的经验做法没有及时总结推广，示范带动作用发挥不够。",
]
GENERAL_CLOSING = [
    "以上建议请有关部门研究办理，并及时向代表反馈办理情况。",
    "建议有关部门加强统筹协调，明确责任分工，确保各项措施落到实处。",
    "希望有关部门高度重视，切实回应群众关切。",
    "建议将此项工作纳入年度民生实事项目，统筹安排资金。",
    "建议建立定期评估机制，及时总结经验，持续改进工作。",
]
GENERAL_PROPOSALS = [
    "加大资金投入，建立稳定的经费保障机制", "明确牵头部门和配合部门的职责分工，形成工作合力",
    "广泛听取群众意见，提高决策的科学性和透明度", "建立定期督查和考核机制，确保工作落实",
    "充分运用信息化手段，推动部门数据共享", "鼓励和引导社会资本参与建设运营",
    "总结推广先进地区的经验做法", "加强政策宣传解读，提高群众知晓率",
    "将相关工作纳入年度绩效考核", "充实基层工作力量，加强业务培训",
    "制定分年度实施计划，分步推进", "建立群众满意度评价机制，及时回应群众关切",
    "完善相关地方性法规和配套政策", "加强对重点区域的日常巡查和监管",
    "发挥人大代表联络站作用，畅通民意表达渠道",
]
SITUATION = {
    "transport": [
        "{p}居民出行主要依靠公交，但目前仅有{n}条线路经过，高峰时段候车时间超过二十分钟。",
        "{p}周边停车位缺口约{n}个，车辆占道停放、乱停乱放现象突出，停车难问题日益严重。",
        "早晚高峰期间，{r}车流量大，交通拥堵严重，部分路段通行时间比平时多出一倍。",
        "学校周边接送车辆集中，道路通行秩序混乱，存在交通安全隐患。",
        "部分公交站台设施陈旧，缺少遮阳挡雨设施和座椅，老年人候车不便。",
    ],
    "edu": [
        "{p}适龄儿童入园需求持续上升，现有幼儿园学位缺口约{n}个，家长反映入园难、入园贵。",
        "片区内中小学班额普遍偏大，部分学校班额超过五十人，教育教学质量受到影响。",
        "基层医疗机构设备陈旧，全科医生数量不足，群众看病仍习惯往大医院跑。",
        "公共体育设施数量不足，群众健身场地紧张，健身步道、运动场地分布不均衡。",
        "课后服务内容较为单一，部分学校以看管为主，难以满足学生多样化需求。",
        "乡村学校教师流失严重，{y}年以来共流失教师{n}名，优质教育资源向城区集中。",
    ],
    "agri": [
        "{p}部分农田水利设施建于上世纪七八十年代，年久失修，灌溉不畅。",
        "{v}河道淤积严重，汛期排洪能力下降，沿岸农田多次受淹。",
        "当地特色农产品品质优良，但缺少统一品牌，销售渠道单一，农民增收困难。",
        "农村饮水工程管网老化，部分村庄水压不足，夏季用水高峰时段经常停水。",
        "村级集体经济薄弱，{n}个行政村中有相当一部分集体经营性收入不足十万元。",
        "农村生活污水收集处理设施覆盖率低，部分污水直排沟渠，影响人居环境。",
    ],
    "industry": [
        "{p}中小企业普遍反映融资难、用工难、数字化改造成本高。",
        "产业园区道路、食堂、人才公寓等配套设施不完善，影响企业招工留人。",
        "部分涉企审批事项环节多、时间长，企业办事仍需多头跑、反复跑。",
        "据调查，园区内约{pct}的企业尚未开展数字化改造，主要原因是资金和人才不足。",
        "农贸市场经营秩序混乱，占道经营、缺斤短两等问题时有发生。",
        "5G基站建设进度滞后，工业互联网应用场景较少，制约了企业转型升级。",
    ],
    "urban": [
        "{p}建成于上世纪八九十年代，管网老化、路面破损、外墙脱落，居民改造意愿强烈。",
        "小区内老年人占比超过{pct}，多层住宅没有电梯，老年人上下楼十分困难，加装电梯需求迫切。",
        "加装电梯涉及低层住户利益，协调难度大，审批流程复杂，资金筹措困难。",
        "垃圾分类设施不足，收运不及时，部分垃圾桶满溢，夏季异味明显。",
        "小区排水管网老化，雨季经常积水，最深处超过{n}厘米，影响居民出行。",
        "部分老旧小区无物业管理，环境卫生、安全防范等工作长期缺位。",
        "{r}路面坑洼不平，多处井盖沉降，夜间路灯损坏后长时间得不到修复。",
    ],
    "finance": [
        "小微企业贷款门槛高、审批周期长，担保费率偏高，融资成本居高不下。",
        "部分财政专项资金拨付进度慢，资金使用效益不高，存在沉淀现象。",
        "基层财政收支矛盾突出，{p}等地保基本民生、保工资、保运转压力较大。",
        "非法集资手段不断翻新，一些老年人因缺乏防范意识而上当受骗，损失达{n}万元。",
        "税费优惠政策宣传不到位，部分小微企业对政策不了解，未能应享尽享。",
    ],
    "law": [
        "{p}夜间治安巡逻力量不足，盗窃案件时有发生，群众安全感有待提升。",
        "电信网络诈骗案件呈高发态势，{y}年辖区共发生相关案件{n}起。",
        "电动自行车违规停放、飞线充电现象普遍，存在严重的消防安全隐患。",
        "基层人民调解员队伍老化，专业化水平不高，难以适应矛盾纠纷多元化的需要。",
        "部分用人单位拖欠农民工工资，维权渠道不畅，劳动者权益难以保障。",
    ],
    "civil": [
        "{p}老年人口占比已超过{pct}，居家养老服务供给不足，社区养老设施数量少、功能单一。",
        "困难群众救助标准偏低，与当地经济社会发展水平不相适应。",
        "残疾人就业渠道窄，职业技能培训针对性不强，就业稳定性差。",
        "异地就医备案手续繁琐，部分医院尚未开通直接结算，群众垫资压力大。",
        "高校毕业生就业压力加大，{y}年本地毕业生超过{n}人，就业服务精准度不够。",
        "社区老年食堂覆盖面不广，部分独居、高龄老人吃饭难问题比较突出。",
    ],
    "eco": [
        "{v}部分河段水质不稳定，雨后常出现黑臭现象，沿岸居民反映强烈。",
        "{p}周边餐饮店集中，油烟净化设施不达标，油烟扰民问题反复出现。",
        "夜间施工噪声扰民，群众多次通过热线反映，但问题仍未根本解决。",
        "建筑工地扬尘管控不到位，渣土车沿途撒漏，影响空气质量。",
        "城区公园绿地分布不均，部分老城区居民步行十五分钟内没有公园。",
        "垃圾分类后端处理能力不足，可回收物利用率偏低。",
    ],
    "other": [
        "群众办事仍存在材料重复提交、线上线下标准不一、诉求反馈不及时等问题。",
        "12345热线部分诉求办理质量不高，存在简单回复、重复派单等现象。",
        "部分政务服务事项需到区级大厅办理，{p}群众往返路程远、耗时长。",
        "代表联络站活动形式较为单一，群众对代表履职情况了解不多。",
    ],
}

PROPOSALS = {
    "transport": ["优化调整公交线路，加密高峰时段班次，缩短候车时间", "利用闲置地块建设公共停车场，推行错时共享停车",
                  "加强占道停车治理，完善交通标志标线", "在学校周边设置临时停车接送区，错峰放学",
                  "推进公交站台适老化改造，增设座椅和电子站牌"],
    "edu": ["将学位供给纳入片区规划统筹建设", "通过新建、改扩建增加公办学位和普惠性学前学位",
            "充实基层师资和公共文体设施配置", "引入社会力量丰富课后服务内容", "提高乡村教师生活补助标准",
            "推动优质医疗资源下沉，加强全科医生培养"],
    "agri": ["安排专项资金用于农田水利设施改造", "组织开展河道清淤疏浚，提高防汛能力",
             "扶持合作社打造区域特色农产品品牌", "加快农村饮水管网更新改造", "因地制宜发展壮大村级集体经济"],
    "industry": ["设立中小企业数字化转型专项补贴", "完善园区交通、餐饮和人才公寓等配套",
                 "推行涉企事项“一窗受理、限时办结”", "加强农贸市场日常监管", "加快5G网络和工业互联网平台建设"],
    "urban": ["将该小区列入年度老旧小区改造计划", "简化加装电梯审批流程并给予资金补助",
              "完善排水管网和垃圾分类收运设施", "引入专业物业服务企业，建立长效管理机制",
              "对破损路面和沉降井盖进行全面排查修复", "发挥社区党组织作用，做好加装电梯协调工作"],
    "finance": ["扩大政府性融资担保覆盖面，降低担保费率", "加快专项资金拨付并开展绩效评价",
                "加大对基层的转移支付力度", "加强防范非法集资宣传教育", "推行惠企政策免申即享"],
    "law": ["增加重点时段、重点区域的巡逻频次", "深入社区开展反诈宣传，重点提高老年人防范意识",
            "建设电动自行车集中停放充电设施", "充实人民调解员队伍，加强业务培训", "健全农民工工资支付保障机制"],
    "civil": ["建设社区养老服务驿站，发展助餐、助浴服务", "健全困难群众救助标准动态调整机制",
              "加强残疾人职业技能培训和就业帮扶", "简化异地就医备案手续，扩大直接结算范围",
              "推进医养结合，支持医疗机构开展养老服务", "扩大社区老年食堂覆盖面"],
    "eco": ["实施河道截污纳管和生态补水", "加强餐饮油烟和施工噪声执法检查", "利用边角地建设口袋公园",
            "严格落实工地扬尘防治措施", "完善垃圾分类后端处理设施"],
    "other": ["推动更多事项“一网通办”“跨省通办”", "建立热线诉求办理回访和考核机制",
              "在街道便民服务中心增设综合受理窗口", "丰富代表联络站活动形式，定期公开代表履职情况"],
}

STATUS_WEIGHTS = [("draft", 1), ("submitted", 4), ("accepted", 4), ("returned", 4), ("merged", 1),
                  ("withdrawn", 1), ("assigned", 8), ("signed", 12), ("replied", 25), ("evaluated", 28),
                  ("rehandling", 2), ("closed", 10)]
ASSIGNED = ("assigned", "signed", "replied", "evaluated", "rehandling", "closed")
REPLIED = ("replied", "evaluated", "rehandling", "closed")
PUBLISHABLE = ("accepted", *ASSIGNED)
SOURCES = ["research", "inspection", "group", "visit", "station", "other"]
REPLY_TEXT = {
    "A": "经研究，我单位已采纳代表建议，相关工作已于年内完成，问题已基本解决。感谢代表对我们工作的关心和支持。",
    "B": "代表所提问题已列入我单位明年工作计划，目前正在开展前期工作，预计明年年底前解决。",
    "C": "代表建议具有较强的针对性，但受用地、资金等客观条件限制，目前暂时难以解决，我单位将留作参考。",
}
N_UNITS = len(UNITS)
# units (1-based ids, the order scripts/demo creates them in) handling each category
UNITS_BY_CATEGORY = {cat: [i + 1 for i, u in enumerate(UNITS) if cat in u[4]] for cat in CATEGORY_WEIGHTS}

PLACES = [(d, s, c) for d, streets in REGIONS.items() for s, cs in streets.items() for c in cs]


def _fill(template: str, rng: random.Random, place: tuple) -> str:
    d, s, c = place
    return template.format(d=d, s=s, c=c, r=rng.choice(ROADS), v=rng.choice(RIVERS), p=rng.choice((d + s, c, s)),
                           n=rng.randint(3, 900), pct=f"百分之{rng.choice('二三四五')}十", y=rng.randint(2018, 2025))


def topic_count() -> int:
    return sum(len(v) for v in TOPICS.values())


def make_text(category: str, rng: random.Random) -> tuple[str, str]:
    """(title, body) of one suggestion; the body is 200–1,500 characters, no sentence twice."""
    place = rng.choice(PLACES)
    topic = _fill(rng.choice(TOPICS[category]), rng, place)
    title = f"关于{topic}的建议"
    target = int(rng.triangular(200, 1500, 500))
    own = rng.sample(SITUATION[category], k=min(len(SITUATION[category]), rng.randint(1, 3)))
    situation = own + rng.sample(GENERAL_SITUATION, k=len(GENERAL_SITUATION))
    mine = rng.sample(PROPOSALS[category], k=rng.randint(2, 4))
    proposals = mine + rng.sample(GENERAL_PROPOSALS, k=len(GENERAL_PROPOSALS))
    closing = rng.choice(GENERAL_CLOSING)
    head = ["一、基本情况\n", f"关于{topic}，群众反映强烈。"]
    length = sum(map(len, head)) + len(closing) + 8
    facts, items = [], []
    while length < target and (situation or proposals):
        if proposals and (len(items) < 2 or len(items) * 2 < len(facts) or not situation):
            text = f"{len(items) + 1}. {_fill(proposals.pop(0), rng, place)}。\n"
            items.append(text)
        else:
            text = _fill(situation.pop(0), rng, place)
            facts.append(text)
        length += len(text)
    body = "".join(head + facts + ["\n二、具体建议\n"] + items + [closing])
    if len(body) > 1500:
        body = body[:1499] + "。"
    return title, body


def deputies(n: int, rng: random.Random) -> list[tuple]:
    """(id, name, level, delegation, active) rows of the deputies projection."""
    names = person_names(n, rng)
    levels = ["city"] * 11 + ["county"] * 4 + ["provincial"] * 3 + ["national"]
    districts = list(REGIONS)
    return [(i + 1, name, rng.choice(levels), f"{rng.choice(districts)}代表团", True) for i, name in enumerate(names)]


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs)
    return rng.choices(items, weights=weights, k=1)[0]


def array_literal(terms: list[str]) -> str:
    """PostgreSQL's text form of a text[] (every element quoted: a Latin word "null" stays a word).
    The terms are bigrams of Chinese characters and runs of letters and digits: no quote,
    backslash, comma or space to escape."""
    return "{" + ",".join(f'"{t}"' for t in terms) + "}"


def text_chunk(job: tuple[int, int, int]) -> list[tuple[str, str, str, str]]:
    """(category, title, body, search_terms as a text[] literal) of rows start..start+count-1
    (seeded per chunk, so chunks can be made in parallel processes and still be the same every
    run). The literal is made here, in the pool, because dumping ~500-element lists row by row
    in the one process that runs COPY was most of a load's time."""
    from services.suggestion.text import search_terms
    seed, start, count = job
    rng = random.Random(seed * 1_000_003 + start)
    cats, weights = zip(*CATEGORY_WEIGHTS.items())
    result = []
    for _ in range(count):
        category = rng.choices(cats, weights=weights, k=1)[0]
        title, body = make_text(category, rng)
        result.append((category, title, body, array_literal(search_terms(title, body))))
    return result


def suggestion_rows(n: int, n_deputies: int, texts, seed: int = 16, start_id: int = 1):
    """Yield (suggestion, co_signer_ids, reply_or_None) per row, ids start_id.., sessions in order.

    texts yields (category, title, body, search_terms) per row (see text_chunk: the terms as a literal);
    suggestion is a dict of column -> value. Numbers are gapless per session (drafts have none).
    """
    rng = random.Random(seed)
    texts = iter(texts)
    per_session = [n // 3 + (1 if k < n % 3 else 0) for k in range(3)]
    sid = start_id
    for (session, opened), count in zip(SESSIONS, per_session):
        number = 0
        for k in range(count):
            category, title, body, terms = next(texts)
            status = _weighted(rng, STATUS_WEIGHTS)
            created = opened + timedelta(days=k * 300 / max(count, 1), seconds=rng.randint(0, 3600))
            lead = rng.randint(1, n_deputies)
            co = sorted(set(rng.sample(range(1, n_deputies + 1), k=rng.randint(1, 5))) - {lead})
            row = {
                "id": sid, "number": None, "session": session, "title": title, "body": body,
                "category": category, "kind": "session" if rng.random() < 0.7 else "closed",
                "source": rng.choice(SOURCES), "lead_deputy_id": lead, "status": status,
                "status_at": created + timedelta(days=rng.randint(0, 120)), "public": False,
                "return_reason": "建议内容不够具体，请补充后重新提交。" if status == "returned" else None,
                "merged_into_id": None, "withdraw_reason": "问题已解决" if status == "withdrawn" else None,
                "published_at": None, "assignment": None, "lead_unit_id": None, "co_unit_ids": [],
                "due_at": None, "search_terms": terms, "created_by": f"deputy-{lead}", "created_at": created,
                "submitted_at": None if status == "draft" else created,
            }
            if status != "draft":
                number += 1
                row["number"] = number
            if status == "merged" and sid > start_id:
                row["merged_into_id"] = sid - rng.randint(1, min(50, sid - start_id))
            if status in ASSIGNED:
                lead_unit = rng.choice(UNITS_BY_CATEGORY[category] or [N_UNITS])
                co_units = sorted(set(rng.sample(range(1, N_UNITS + 1), k=rng.choice((0, 0, 0, 1, 2)))) - {lead_unit})
                due = created + timedelta(days=90)
                row.update(lead_unit_id=lead_unit, co_unit_ids=co_units, due_at=due, assignment={
                    "assignment_id": sid, "lead_unit_id": lead_unit, "lead_unit_name": UNITS[lead_unit - 1][0],
                    "co_unit_ids": co_units, "due_at": due.isoformat()})
            if status in PUBLISHABLE and rng.random() < 0.24:
                row["public"] = True
                row["published_at"] = row["status_at"]
            reply = None
            if status in REPLIED:
                klass = _weighted(rng, [("A", 70), ("B", 22), ("C", 8)])
                reply = {"suggestion_id": sid, "assignment_id": sid, "round": 1,
                         "unit_name": UNITS[row["lead_unit_id"] - 1][0], "result_class": klass,
                         "content": REPLY_TEXT[klass], "at": row["status_at"],
                         "event_id": str(uuid.UUID(int=rng.getrandbits(128)))}
            yield row, co, reply
            sid += 1
