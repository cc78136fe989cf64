"""Demo data, generated without I/O: units, stations, deputies, suggestion plans.

Pure and seeded (tested in tests/unit/test_demo_data.py); scripts/demo.py sends it
through the gateway.
"""
from __future__ import annotations

import random

DEFAULT_URL = "http://127.0.0.1:8000"
SESSION_NAME = "十六届三次"

CATEGORIES = {
    "edu": "教科文卫体",
    "transport": "交通邮电",
    "agri": "农林水利",
    "industry": "工业经济",
    "urban": "城乡建设与管理",
    "finance": "财政金融",
    "law": "政治法律",
    "civil": "民政社会",
    "eco": "生态环境",
    "other": "其他",
}

# name, code, duties, keywords, categories — in the order they are created
UNITS = [
    ("市交通运输局", "JT", "负责全市公路、城市公共交通、出租汽车、停车设施的规划建设与运营管理，统筹综合交通运输体系建设。",
     ["公交", "道路", "停车", "地铁", "出租车", "交通", "公路", "站点"], ["transport"]),
    ("市教育局", "JY", "负责全市各级各类教育的统筹规划和管理，推进学前教育、义务教育均衡发展，指导学校课后服务与校园安全。",
     ["学校", "幼儿园", "教育", "课后服务", "学位", "教师", "中小学"], ["edu"]),
    ("市卫生健康委员会", "WJ", "负责全市医疗卫生服务体系建设、公共卫生、基层医疗和健康促进工作，推进社区卫生服务机构建设。",
     ["医院", "医疗", "卫生", "社区卫生服务中心", "健康", "疫苗", "医生"], ["edu", "civil"]),
    ("市住房和城乡建设局", "ZJ", "负责住房保障、房地产市场监管、老旧小区改造、既有住宅加装电梯和建筑工程质量安全管理。",
     ["老旧小区", "电梯", "住房", "物业", "保障房", "建筑", "改造"], ["urban"]),
    ("市生态环境局", "SH", "负责全市生态环境保护的统一监督管理，开展大气、水、土壤、噪声污染防治和环境执法。",
     ["污染", "环境", "噪声", "油烟", "水质", "空气", "排放"], ["eco"]),
    ("市民政局", "MZ", "负责养老服务、社会救助、社区治理、婚姻登记、殡葬管理和社会组织登记管理。",
     ["养老", "救助", "社区", "低保", "老年人", "殡葬", "社会组织"], ["civil"]),
    ("市公安局", "GA", "负责全市社会治安管理、打击违法犯罪、道路交通安全管理、户籍和出入境管理。",
     ["治安", "诈骗", "巡逻", "交通安全", "户籍", "电动车", "监控"], ["law", "transport"]),
    ("市财政局", "CZ", "负责全市财政收支、预算管理、政府债务管理和财政资金绩效评价。",
     ["财政", "预算", "资金", "专项债", "补贴", "转移支付"], ["finance"]),
    ("市农业农村局", "NY", "负责农业农村发展规划、高标准农田建设、农产品质量安全、乡村振兴和农村人居环境整治。",
     ["农田", "农村", "农产品", "乡村振兴", "种植", "农民", "合作社"], ["agri"]),
    ("市水务局", "SW", "负责水资源管理、城乡供水排水、防汛抗旱、河湖管理和水利工程建设。",
     ["供水", "排水", "河道", "防汛", "饮水", "水利", "内涝"], ["agri", "eco", "urban"]),
    ("市发展和改革委员会", "FG", "负责全市国民经济和社会发展规划、重大项目统筹、价格管理和营商环境优化。",
     ["项目", "规划", "营商环境", "价格", "投资", "产业"], ["industry", "finance"]),
    ("市经济和信息化局", "JX", "负责工业和信息化发展、中小企业服务、数字化转型和产业园区建设。",
     ["企业", "工业", "数字化", "园区", "制造业", "中小企业", "5G"], ["industry"]),
    ("市科学技术局", "KJ", "负责科技创新体系建设、科技成果转化、高新技术企业培育和科普工作。",
     ["科技", "创新", "科普", "研发", "高新技术", "人才"], ["edu", "industry"]),
    ("市文化和旅游局", "WL", "负责文化事业、文化产业、旅游业发展和文物保护，建设公共文化服务体系。",
     ["文化", "旅游", "图书馆", "文物", "景区", "博物馆"], ["edu"]),
    ("市体育局", "TY", "负责全民健身、竞技体育和体育产业发展，建设公共体育设施。",
     ["体育", "健身", "运动场", "体育设施", "健身步道"], ["edu"]),
    ("市人力资源和社会保障局", "RS", "负责就业创业、社会保险、劳动关系和人才队伍建设，保障劳动者权益。",
     ["就业", "社保", "工资", "技能培训", "劳动", "养老保险"], ["civil", "finance"]),
    ("市医疗保障局", "YB", "负责医疗保险、生育保险、医疗救助和药品耗材集中采购管理。",
     ["医保", "报销", "药品", "异地就医", "医疗救助"], ["civil"]),
    ("市城市管理委员会", "CG", "负责市容环境卫生、生活垃圾分类、城市照明、户外广告和城市管理综合执法。",
     ["垃圾分类", "市容", "路灯", "环卫", "占道", "违建"], ["urban", "eco"]),
    ("市规划和自然资源局", "GZ", "负责国土空间规划、土地资源管理、不动产登记和测绘地理信息工作。",
     ["规划", "用地", "不动产", "土地", "公园", "绿地"], ["urban", "eco"]),
    ("市园林绿化局", "YL", "负责城市园林绿化、公园管理、林业资源保护和古树名木保护。",
     ["绿化", "公园", "口袋公园", "树木", "林地", "绿道"], ["eco", "urban", "agri"]),
    ("市市场监督管理局", "SJ", "负责市场主体登记、食品药品安全监管、产品质量监督和消费者权益保护。",
     ["食品安全", "市场", "消费", "价格欺诈", "质量", "商户"], ["industry", "civil"]),
    ("市商务局", "SWJ", "负责内外贸易、消费促进、商业网点规划和招商引资工作。",
     ["商业", "消费", "菜市场", "便民", "外贸", "夜经济"], ["industry"]),
    ("市司法局", "SF", "负责法治政府建设、公共法律服务、人民调解、社区矫正和普法宣传。",
     ["法律", "普法", "调解", "法律援助", "律师", "法治"], ["law"]),
    ("市应急管理局", "YJ", "负责安全生产监管、应急救援、防灾减灾和消防工作统筹。",
     ["安全生产", "应急", "消防", "防灾", "救援", "隐患"], ["law", "urban"]),
    ("市退役军人事务局", "TJ", "负责退役军人安置、就业创业、优抚褒扬和服务保障工作。",
     ["退役军人", "优抚", "安置", "烈士"], ["civil"]),
    ("市地方金融监督管理局", "JR", "负责地方金融组织监管、防范化解金融风险和普惠金融发展。",
     ["金融", "贷款", "融资", "银行", "非法集资", "普惠金融"], ["finance"]),
    ("市税务局", "SWU", "负责税收征管、税费优惠政策落实和纳税服务。",
     ["税收", "减税", "纳税", "发票", "税费"], ["finance"]),
    ("市政务服务管理局", "ZW", "负责政务服务体系建设、“一网通办”、12345热线和营商环境政务服务改革。",
     ["政务服务", "一网通办", "12345", "办事", "审批", "热线"], ["other", "industry"]),
    ("市人民政府办公室", "ZF", "负责市政府日常工作的综合协调、督查督办和建议提案办理的统筹。",
     ["协调", "督办", "综合"], ["other"]),
    ("市残疾人联合会", "CL", "负责残疾人康复、教育、就业和权益保障，推进无障碍环境建设。",
     ["残疾人", "无障碍", "康复", "助残"], ["civil"]),
    ("市信访办公室", "XF", "负责群众来信来访的受理、交办、督办和信访矛盾化解。",
     ["信访", "诉求", "矛盾", "来访"], ["other", "law"]),
    ("市邮政管理局", "YZ", "负责邮政普遍服务和快递市场监管，推进快递末端服务设施建设。",
     ["快递", "邮政", "驿站", "寄递"], ["transport"]),
]

# district → street → communities
REGIONS = {
    "东城区": {"和平街道": ["安贞社区", "和平里社区", "青年湖社区"], "东华门街道": ["东华社区", "南池子社区"]},
    "西城区": {"月坛街道": ["三里河社区", "复兴门社区"], "新街口街道": ["西四社区", "赵登禹社区", "玉桃园社区"]},
    "南湖区": {"南湖街道": ["湖滨社区", "望湖社区"], "长青街道": ["长青社区", "松柏社区", "柳岸社区"]},
    "北山区": {"北山街道": ["北山社区", "泉水社区"], "石门镇": ["石门村", "上庄村", "下河村"]},
    "高新区": {"创新街道": ["科创社区", "软件园社区"], "云谷街道": ["云谷社区", "星河社区"]},
    "滨江区": {"滨江街道": ["江畔社区", "临江社区", "渔港社区"], "白沙镇": ["白沙村", "沙洲村"]},
}
ROADS = ["人民路", "建设大道", "解放路", "长江路", "中山北路", "文化路", "滨河路", "新华街", "光明路", "朝阳大街"]
RIVERS = ["南湖河", "清水河", "白沙河", "护城河", "长青渠"]

SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方")
GIVEN = list("建国华明丽芳军伟秀英敏静强磊洋勇艳杰娟涛超霞平刚桂兰玉春红海燕晓文斌志宏波鹏辉玲萍雪梅琳凤林婷欣怡子轩浩宇思彤佳")

LEVELS = [("city", 55), ("county", 20), ("provincial", 12), ("township", 8), ("national", 5)]
SOURCES = ["research", "inspection", "group", "visit", "station", "other"]

# category → title templates ({district} {street} {community} {road} {river})
TITLES = {
    "transport": [
        "关于解决{community}居民公交出行难问题的建议",
        "关于优化{road}交通信号灯配时的建议",
        "关于在{district}增设公共停车场的建议",
        "关于加密{district}至市中心公交线路的建议",
        "关于整治{road}沿线占道停车问题的建议",
        "关于在{community}附近增设地铁接驳公交站点的建议",
        "关于规范{district}快递驿站设置的建议",
    ],
    "edu": [
        "关于加大城区幼儿园建设力度的建议",
        "关于在{district}新建一所公办初级中学的建议",
        "关于推进{street}社区卫生服务中心标准化建设的建议",
        "关于完善中小学课后服务的建议",
        "关于建设{district}全民健身中心的建议",
        "关于加强{district}基层图书馆建设的建议",
        "关于缓解{district}中小学学位紧张问题的建议",
    ],
    "agri": [
        "关于加快{district}高标准农田建设的建议",
        "关于完善{street}农村饮水安全保障的建议",
        "关于支持{district}特色农产品品牌建设的建议",
        "关于清理{river}河道淤积的建议",
        "关于加强{street}农田水利设施维护的建议",
    ],
    "industry": [
        "关于支持中小微企业数字化转型的建议",
        "关于进一步优化{district}营商环境的建议",
        "关于加快{district}产业园区配套建设的建议",
        "关于推动制造业高质量发展的建议",
        "关于规范{street}农贸市场经营秩序的建议",
    ],
    "urban": [
        "关于推进{community}老旧小区改造的建议",
        "关于加快{community}既有住宅加装电梯的建议",
        "关于解决{community}生活垃圾分类收运问题的建议",
        "关于修复{road}破损路面的建议",
        "关于解决{community}雨季内涝问题的建议",
        "关于完善{road}路灯照明设施的建议",
    ],
    "finance": [
        "关于加大普惠金融支持小微企业力度的建议",
        "关于规范政府专项债券资金使用的建议",
        "关于提高{district}基层财政保障水平的建议",
        "关于落实小微企业税费优惠政策的建议",
        "关于加强防范非法集资宣传的建议",
    ],
    "law": [
        "关于加强{community}周边治安巡逻的建议",
        "关于推进基层公共法律服务体系建设的建议",
        "关于加强电信网络诈骗防范宣传的建议",
        "关于规范{district}电动自行车停放充电管理的建议",
        "关于加强{street}人民调解组织建设的建议",
    ],
    "civil": [
        "关于完善{community}居家养老服务的建议",
        "关于提高困难群众救助标准的建议",
        "关于在{district}建设社区嵌入式养老服务设施的建议",
        "关于加强残疾人就业帮扶的建议",
        "关于推进异地就医直接结算便利化的建议",
        "关于加强{district}高校毕业生就业服务的建议",
    ],
    "eco": [
        "关于加强{river}水环境综合治理的建议",
        "关于治理{street}餐饮油烟扰民问题的建议",
        "关于在{district}扩大口袋公园建设的建议",
        "关于整治{road}夜间施工噪声污染的建议",
        "关于加强{district}扬尘污染防治的建议",
    ],
    "other": [
        "关于提升政务服务“一网通办”水平的建议",
        "关于提高12345热线诉求办理质量的建议",
        "关于推进{district}政务服务事项就近办理的建议",
    ],
}

PROBLEMS = {
    "transport": "附近居民反映，{place}公交线路少、班次间隔长，早晚高峰候车时间超过二十分钟，周边停车位紧缺，车辆占道停放现象突出。",
    "edu": "随着{place}常住人口增加，适龄儿童入园入学需求持续上升，现有学位、师资和公共文体设施难以满足群众需要。",
    "agri": "{place}部分农田水利设施年久失修，河道淤积、灌溉不畅，农民增收渠道有限，农产品品牌影响力不足。",
    "industry": "{place}中小企业反映融资难、用工难、数字化改造成本高，园区道路、食堂、人才公寓等配套设施不完善。",
    "urban": "{place}建成于上世纪八九十年代，管网老化、路面破损、缺少电梯，垃圾收运不及时，雨季易积水，居民意见较大。",
    "finance": "基层调研发现，{place}小微企业贷款门槛高、审批周期长，部分财政专项资金拨付进度慢、使用效益不高。",
    "law": "{place}群众反映，夜间治安巡逻力量不足，电信网络诈骗案件时有发生，电动自行车违规停放充电存在安全隐患。",
    "civil": "{place}老年人口占比已超过百分之二十五，居家养老服务供给不足，困难群众、残疾人等群体的帮扶还需加强。",
    "eco": "{place}周边河道水质不稳定，餐饮油烟、施工噪声和扬尘扰民问题反复出现，群众多次通过热线反映。",
    "other": "{place}群众办事仍存在材料重复提交、线上线下标准不一、诉求反馈不及时等问题。",
}

PROPOSALS = {
    "transport": ["优化调整公交线路，加密高峰时段班次", "利用闲置地块建设公共停车场，推行错时共享停车", "加强占道停车治理，完善交通标志标线"],
    "edu": ["将学位供给纳入片区规划统筹建设", "通过新建、改扩建增加公办学位和普惠性学前学位", "充实基层师资和公共文体设施配置"],
    "agri": ["安排专项资金用于农田水利设施改造", "组织开展河道清淤疏浚", "扶持合作社打造区域特色农产品品牌"],
    "industry": ["设立中小企业数字化转型专项补贴", "完善园区交通、餐饮和人才公寓等配套", "推行涉企事项“一窗受理、限时办结”"],
    "urban": ["将该小区列入年度老旧小区改造计划", "简化加装电梯审批流程并给予资金补助", "完善排水管网和垃圾分类收运设施"],
    "finance": ["扩大政府性融资担保覆盖面，降低担保费率", "加快专项资金拨付并开展绩效评价", "加大对基层的转移支付力度"],
    "law": ["增加重点时段、重点区域的巡逻频次", "深入社区开展反诈宣传", "建设电动自行车集中停放充电设施"],
    "civil": ["建设社区养老服务驿站，发展助餐、助浴服务", "健全困难群众救助标准动态调整机制", "加强残疾人职业技能培训和就业帮扶"],
    "eco": ["实施河道截污纳管和生态补水", "加强餐饮油烟和施工噪声执法检查", "利用边角地建设口袋公园"],
    "other": ["推动更多事项“一网通办”“跨省通办”", "建立热线诉求办理回访和考核机制", "在街道便民服务中心增设综合受理窗口"],
}

RETURN_REASONS = [
    "建议内容属于个人具体诉求，请通过12345热线或信访渠道反映。",
    "建议内容不够具体，缺少问题现状和具体建议，请补充后重新提交。",
    "建议事项不属于本级人民政府及其部门职权范围。",
]

REPLY_TEXT = {
    "A": "经研究，我单位已采纳代表建议，相关工作已于年内完成，问题已基本解决。感谢代表对我们工作的关心和支持。",
    "B": "代表所提问题已列入我单位明年工作计划，目前正在开展前期工作，预计明年年底前解决，届时将及时向代表报告进展。",
    "C": "代表建议具有较强的针对性，但受用地、资金等客观条件限制，目前暂时难以解决，我单位将留作参考，条件具备时积极推进。",
}


def _weighted(rng: random.Random, pairs):
    items, weights = zip(*pairs)
    return rng.choices(items, weights=weights, k=1)[0]


def unit_table(n: int | None = None) -> list[dict]:
    """The first n units (all when n is None) as request bodies."""
    rows = UNITS if n is None else UNITS[:max(0, n)]
    return [{"name": name, "code": code, "duties": duties, "keywords": list(kw), "categories": list(cats)}
            for name, code, duties, kw, cats in rows]


def person_names(n: int, rng: random.Random) -> list[str]:
    """n distinct Chinese names of two or three characters."""
    names: list[str] = []
    seen = set()
    if n > len(SURNAMES) * len(GIVEN) ** 2:
        raise ValueError("too many names asked for")
    while len(names) < n:
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        name = rng.choice(SURNAMES) + given
        if name not in seen:
            seen.add(name)
            names.append(name)
    return names


def _places():
    for district, streets in REGIONS.items():
        for street, communities in streets.items():
            for community in communities:
                yield district, street, community


def make_stations(n: int, rng: random.Random) -> list[dict]:
    """n stations spread over the districts: district homes, community stations, points."""
    places = list(_places())
    stations = []
    for i in range(n):
        district, street, community = places[i % len(places)]
        road = rng.choice(ROADS)
        address = f"{district}{street}{road}{rng.randint(1, 300)}号"
        if i % 7 == 0:
            stype, name, region = "home", f"{street}人大代表之家", f"{district}/{street}"
        elif i % 5 == 4:
            stype, name, region = "point", f"{community}人大代表联络点", f"{district}/{street}/{community}"
        else:
            stype, name, region = "station", f"{community}人大代表联络站", f"{district}/{street}/{community}"
        if i >= len(places):  # a second round over the same places
            name = f"{name}（{road}分站）"
        stations.append({"name": name, "type": stype, "region": region, "address": address})
    return stations


def make_deputies(n: int, stations: list[dict], rng: random.Random) -> list[dict]:
    """n deputies; "station" is an index into stations (or None when there are none)."""
    names = person_names(n, rng)
    deputies = []
    for i, name in enumerate(names):
        station = rng.randrange(len(stations)) if stations else None
        district = stations[station]["region"].split("/")[0] if stations else rng.choice(list(REGIONS))
        deputies.append({
            "name": name,
            "level": _weighted(rng, LEVELS),
            "delegation": f"{district}代表团",
            "phone": f"1380000{i:04d}"[:11],
            "station": station,
        })
    return deputies


def make_title(category: str, rng: random.Random) -> str:
    district, street, community = rng.choice(list(_places()))
    template = rng.choice(TITLES[category])
    return template.format(district=district, street=street, community=community,
                           road=rng.choice(ROADS), river=rng.choice(RIVERS))


def make_body(category: str, rng: random.Random) -> str:
    place = rng.choice([c for _, _, c in _places()])
    proposals = rng.sample(PROPOSALS[category], k=len(PROPOSALS[category]))
    lines = ["一、基本情况", PROBLEMS[category].format(place=place), "", "二、具体建议"]
    lines += [f"{i}. {p}。" for i, p in enumerate(proposals, 1)]
    lines += ["", "以上建议请有关部门研究办理，并及时向代表反馈办理情况。"]
    return "\n".join(lines)


def best_unit(units: list[dict], category: str, text: str) -> int:
    """Index of the unit to lead: among units handling the category, the one with
    the most keywords in text (first wins ties); any unit with a keyword hit if none
    handles it; else unit 0. units must not be empty."""
    def hits(u):
        return sum(1 for k in u["keywords"] if k in text)

    handling = [i for i, u in enumerate(units) if category in u["categories"]]
    pool = handling or list(range(len(units)))
    return max(pool, key=lambda i: (hits(units[i]), -i))


def co_unit(units: list[dict], lead: int, category: str, text: str) -> int | None:
    """Another unit with a keyword in text or handling the category, if any."""
    for i, u in enumerate(units):
        if i != lead and any(k in text for k in u["keywords"]):
            return i
    for i, u in enumerate(units):
        if i != lead and category in u["categories"]:
            return i
    return None


def plan_suggestions(n: int, n_deputies: int, units: list[dict], rng: random.Random) -> list[dict]:
    """What happens to each suggestion: who leads it, its text, and how far it gets."""
    cats = list(CATEGORIES)
    weights = [14, 13, 7, 9, 16, 5, 8, 14, 10, 4]  # roughly a city's mix
    plans, titles = [], set()
    for i in range(n):
        category = rng.choices(cats, weights=weights, k=1)[0]
        title = make_title(category, rng)
        for _ in range(5):  # prefer distinct titles
            if title not in titles:
                break
            title = make_title(category, rng)
        titles.add(title)
        lead = rng.randrange(n_deputies) if n_deputies else None
        others = [d for d in range(n_deputies) if d != lead]
        co_signers = rng.sample(others, k=min(len(others), rng.choice((0, 0, 1, 2, 3))))
        roll = rng.random()
        screening = "accept" if roll < 0.88 else ("return" if roll < 0.94 else None)
        plan = {
            "title": title,
            "body": make_body(category, rng),
            "category": category,
            "source": rng.choice(SOURCES),
            "lead": lead,
            "co_signers": co_signers,
            "screening": screening,
            "return_reason": rng.choice(RETURN_REASONS) if screening == "return" else None,
            "lead_unit": None, "co_units": [],
            "sign": False, "reply": None, "rating": None,
        }
        if screening == "accept" and units and rng.random() < 0.9:
            text = title + plan["body"]
            plan["lead_unit"] = best_unit(units, category, text)
            if rng.random() < 0.25:
                co = co_unit(units, plan["lead_unit"], category, title)
                plan["co_units"] = [co] if co is not None else []
            plan["sign"] = rng.random() < 0.85
            if plan["sign"] and rng.random() < 0.75:
                plan["reply"] = _weighted(rng, [("A", 70), ("B", 22), ("C", 8)])
                if rng.random() < 0.6:
                    plan["rating"] = _weighted(rng, [("satisfied", 85), ("basic", 12), ("dissatisfied", 3)])
        plans.append(plan)
    return plans
