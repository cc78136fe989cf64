"""The kinds of government units (services/assignment/unit_kinds.yml) and their recognition."""
import re
from collections import defaultdict

import pytest

from services.assignment.unit_kinds import domain_dictionary, kind_of, kinds, kinds_in, level_of, place_of

LEVELS = {"national", "provincial", "city", "county"}

# Names written as offices write them, in every form the kind takes (invented places and
# real-style places; none is a lead unit of the routing dev set).
EXAMPLES = {
    "development_reform": ["大理市发展和改革局", "绵阳市发展和改革委员会", "江西省发展和改革委员会", "北碚区发改委", "祥云县发展改革局"],
    "education": ["丽江市教育局", "玉溪市红塔区教育体育局", "重庆市九龙坡区教育委员会", "陆良县教体局", "四川省教育厅"],
    "science_technology": ["成都市科学技术局", "江苏省科学技术厅", "红河州科技局"],
    "industry_it": ["宜宾市经济和信息化局", "株洲市工业和信息化局", "安徽省经济和信息化厅", "金寨县科技经信局", "弥渡县工业商务和信息化局", "涪陵区经信委"],
    "public_security": ["昭通市公安局", "大理州公安局下关分局", "昆明市公安局五华分局", "上海市公安局徐汇分局"],
    "traffic_police": ["昆明市公安局交通警察支队", "宣威市公安局交通警察大队", "曲靖市交警支队", "麒麟区交警大队", "上海市公安局交通警察总队"],
    "civil_affairs": ["保山市民政局", "云南省民政厅", "隆阳区民政局"],
    "justice": ["玉溪市司法局", "湖南省司法厅"],
    "finance": ["楚雄州财政局", "贵州省财政厅", "巧家县财政局"],
    "human_resources": ["曲靖市人力资源和社会保障局", "四川省人力资源和社会保障厅", "富源县人社局"],
    "natural_resources": ["成都市规划和自然资源局", "宣威市自然资源局", "苏州市自然资源和规划局", "北京市规划和自然资源委员会", "罗平县国土资源局"],
    "ecology_environment": ["曲靖市生态环境局", "曲靖市生态环境局宣威分局", "某县环保局", "广东省生态环境厅"],
    "housing": ["会泽县住房和城乡建设局", "沾益区住建局", "重庆市江北区住房和城乡建设委员会", "湖南省住房和城乡建设厅", "杭州市建设委员会"],
    "housing_management": ["上海市徐汇区住房保障和房屋管理局", "宜宾市房管局", "嘉兴市房屋征收与补偿办公室"],
    "urban_management": ["麒麟区城市管理局", "长沙市城市管理和综合执法局", "罗平县综合行政执法局", "株洲市城管执法局", "西宁市城市管理局"],
    "transport": ["哈尔滨市交通运输局", "重庆市交通运输委员会", "云南省交通运输厅", "沾益区交通局", "富源县交运局"],
    "water": ["曲靖市水务局", "马龙区水利局", "广西壮族自治区水利厅", "某县水利水务局"],
    "agriculture": ["曲靖市农业农村局", "云南省农业农村厅", "师宗县农业农村局", "马关县农业农村和科学技术局", "内蒙古自治区农牧厅"],
    "rural_revitalization": ["曲靖市乡村振兴局", "某县扶贫开发办公室", "贵州省乡村振兴局"],
    "commerce": ["曲靖市商务局", "重庆市九龙坡区商务委员会", "某县投资促进局"],
    "culture_tourism": ["曲靖市文化和旅游局", "会泽县文化和旅游局", "永州市文化旅游广电体育局", "某县文广旅局", "某旗文体旅局", "某县文广新局"],
    "health": ["曲靖市卫生健康委员会", "宣威市卫生健康局", "某县卫健局", "四川省卫生健康委员会", "某区卫健委"],
    "veterans": ["曲靖市退役军人事务局", "云南省退役军人事务厅"],
    "emergency": ["曲靖市应急管理局", "云南省应急管理厅"],
    "audit": ["曲靖市审计局", "云南省审计厅"],
    "state_assets": ["曲靖市人民政府国有资产监督管理委员会", "某市国资委"],
    "market_regulation": ["曲靖市市场监督管理局", "宣威市市场监管局", "国家市场监督管理总局"],
    "medical_insurance": ["曲靖市医疗保障局", "某县医保局", "国家医疗保障局"],
    "sports": ["曲靖市体育局", "国家体育总局"],
    "statistics": ["曲靖市统计局", "国家统计局曲靖调查队"],
    "forestry": ["曲靖市林业和草原局", "某县林业局", "某县林草局"],
    "petition": ["曲靖市信访局"],
    "data_services": ["曲靖市政务服务管理局", "某市行政审批局", "贵州省大数据发展管理局"],
    "grain_reserves": ["云南省粮食和物资储备局"],
    "fire_rescue": ["曲靖市消防救援支队", "宣威市消防救援大队"],
    "taxation": ["国家税务总局曲靖市税务局", "国家税务总局宣威市税务局"],
    "court": ["曲靖市中级人民法院", "宣威市人民法院", "云南省高级人民法院"],
    "procuratorate": ["曲靖市人民检察院", "宣威市人民检察院"],
    "meteorology": ["曲靖市气象局"],
    "postal": ["曲靖市邮政管理局", "中国邮政集团有限公司曲靖市分公司"],
    "local_government": ["宣威市人民政府", "曲靖市人民政府", "某自治县人民政府"],
    "township_government": ["宣威市板桥街道办事处", "会泽县娜姑镇人民政府", "某县某乡人民政府", "某旗某苏木人民政府"],
    "government_office": ["曲靖市人民政府办公室", "宣威市人民政府办公室"],
    "power": ["曲靖供电局", "国网浙江省电力有限公司宁波供电公司", "国网某县供电公司", "云南电网有限责任公司曲靖供电局"],
    "water_supply": ["曲靖市水务集团", "某县自来水公司", "某市供排水有限公司"],
    "gas": ["曲靖港华燃气有限公司", "某县天然气有限公司"],
    "bus_company": ["曲靖市公交集团", "某市公共交通集团有限责任公司"],
    "telecom": ["中国移动通信集团云南有限公司曲靖分公司", "中国电信股份有限公司曲靖分公司", "中国联通曲靖市分公司", "中国铁塔股份有限公司曲靖市分公司"],
    "urban_investment": ["曲靖市城市建设投资集团有限公司", "某县城投公司", "云南省交通投资建设集团"],
    "cable_tv": ["云南广电网络集团有限公司曲靖分公司"],
    "defense_mobilization": ["曲靖市国防动员办公室", "某县人防办"],
    "disabled_persons": ["曲靖市残疾人联合会", "某县残联"],
    "housing_fund": ["曲靖市住房公积金管理中心"],
    "financial_regulation": ["曲靖市地方金融监督管理局", "中国人民银行曲靖市中心支行", "国家金融监督管理总局曲靖监管分局", "某县农村信用合作联社"],
    "heating": ["某市热力有限公司", "某县供热公司"],
    "railway": ["中国铁路昆明局集团有限公司", "中国铁路成都局集团有限公司"],
    "ethnic_religious": ["曲靖市民族宗教事务委员会", "某县民族宗教事务局"],
}

# the cases the data must keep apart
TRICKY = {
    "沾益区交通运输局": "transport",
    "沾益区公安局交通警察大队": "traffic_police",
    "沾益区住房和城乡建设局": "housing",
    "嘉兴市住房保障房屋管理局": "housing_management",
    "沾益区城市管理局": "urban_management",
    "沾益区自然资源局": "natural_resources",
    "沾益区林业局": "forestry",
    "沾益区人民政府": "local_government",
    "沾益区人民政府办公室": "government_office",
    "沾益区发展和改革局": "development_reform",
    "沾益区科技局": "science_technology",
    "沾益区工业和信息化局": "industry_it",
    "沾益区科技经信局": "industry_it",
    "沾益区农业农村局": "agriculture",
    "沾益区乡村振兴局": "rural_revitalization",
    "沾益区市场监督管理局": "market_regulation",
    "沾益区医疗保障局": "medical_insurance",
    "沾益区退役军人事务局": "veterans",
    "沾益区发展和改革局（粮食和物资储备局）": "development_reform",
    "新乡市市场监督管理局": "market_regulation",
    "濮阳市城市管理局": "urban_management",
    "中山市三乡镇人民政府": "township_government",
    "国家市场监督管理总局": "market_regulation",
    "中国联通曲靖市分公司": "telecom",
    "内蒙古自治区农牧厅": "agriculture",
    "永州市文化旅游广电体育局": "culture_tourism",
    "某县教育体育局": "education",
    "某市体育局": "sports",
    "上海市浦东新区建设和交通委员会": "housing",
}


def test_about_fifty_kinds_every_one_complete():
    ks = kinds()
    assert 40 <= len(ks) <= 60
    for code, k in ks.items():
        assert re.fullmatch(r"[a-z_]+", code)
        assert k.name and k.names, code
        assert set(k.levels) <= LEVELS and k.levels, code
        assert 150 <= len(k.duties) <= 400, (code, len(k.duties))
        assert 15 <= len(k.keywords) <= 80, (code, len(k.keywords))
        assert len(set(k.keywords)) == len(k.keywords), code
        assert k.sources and all(s.get("title") and s.get("url", "").startswith("http") for s in k.sources), code
        assert all(c in ks and c != code for c in k.co_kinds), code
        assert k.part_of is None or k.part_of in ks, code
        assert 60 <= len(k.subjects) <= 160, (code, len(k.subjects))
        assert len(set(k.subjects)) == len(k.subjects), code
        assert all(2 <= len(w) <= 8 for w in k.subjects), code
        assert all(len(w) >= 2 for w in k.stems), code
    assert ks["traffic_police"].part_of == "public_security"


def test_subjects_name_what_each_kind_leads():
    ks = kinds()
    # a sample of the division of work (三定) the subjects carry, beyond the condensed duties
    for code, word in (("civil_affairs", "公墓"), ("civil_affairs", "地名命名"), ("urban_management", "公厕"), ("housing", "老旧小区"),
                       ("education", "中学"), ("water", "农村饮水"), ("traffic_police", "信号灯"),
                       ("market_regulation", "农贸市场"), ("industry_it", "5G基站")):
        assert any(word in w for w in ks[code].subjects), (code, word)


@pytest.mark.parametrize("name, expected", [
    ("万宁市旅游和文化广电体育局", ("culture_tourism", "sports")),
    ("岳阳县教育体育局", ("education", "sports")),
    ("宁陕县农水局", ("agriculture", "water")),
    ("丘北县农科局", ("agriculture", "science_technology")),
    ("弥勒市工业商务和信息化局", ("industry_it", "commerce")),
    ("霍山县科技经信局", ("industry_it", "science_technology")),
    ("旺苍县规划建设和住房局", ("housing", "natural_resources")),
    ("上海市浦东新区建设和交通委员会", ("housing", "transport")),
    # one field, or not a bureau: one kind
    ("曲靖市沾益区住建局", ("housing",)),
    ("新密市自然资源和规划局", ("natural_resources",)),
    ("垫江县文化和旅游发展委员会", ("culture_tourism",)),
    ("抚顺市公安局交通警察支队", ("traffic_police",)),
    ("广元市公安局朝天区分局", ("public_security",)),
    ("安宁市水务集团", ("water_supply",)),
    ("某县住房公积金管理中心", ("housing_fund",)),
    ("某县人民政府", ("local_government",)),
    ("某某有限责任公司食堂", ()),
])
def test_a_merged_bureau_does_every_field_its_name_says(name, expected):
    assert kinds_in(name) == expected


def test_every_kind_has_examples():
    assert set(EXAMPLES) == set(kinds())


def test_no_alias_claimed_by_two_kinds():
    owners = defaultdict(set)
    for code, k in kinds().items():
        for a in k.names:
            owners[a].add(code)
    assert {a: c for a, c in owners.items() if len(c) > 1} == {}


def test_each_kind_recognises_its_own_names():
    for code, k in kinds().items():
        for a in k.names:
            assert kind_of("某市" + a) == code, (a, code)


@pytest.mark.parametrize("code,name", [(c, n) for c, ns in EXAMPLES.items() for n in ns])
def test_real_style_names(code, name):
    assert kind_of(name) == code


@pytest.mark.parametrize("name,code", TRICKY.items())
def test_tricky_names(name, code):
    assert kind_of(name) == code


def test_unknown_names():
    assert kind_of("") is None
    assert kind_of("某市红十字会") is None


@pytest.mark.parametrize("name,expected", [
    ("曲靖市沾益区住建局", ("曲靖市沾益区", "住建局")),
    ("北京市通州区退役军人事务局", ("北京市通州区", "退役军人事务局")),
    ("新乡市市场监督管理局", ("新乡市", "市场监督管理局")),
    ("濮阳市城市管理局", ("濮阳市", "城市管理局")),
    ("石林彝族自治县圭山镇人民政府", ("石林彝族自治县圭山镇", "人民政府")),
    ("株洲市芦淞区枫溪街道办事处", ("株洲市芦淞区枫溪街道", "办事处")),
    ("广西壮族自治区水利厅", ("广西壮族自治区", "水利厅")),
    ("交通运输部", (None, "交通运输部")),
    ("国网上海嘉定供电公司", ("上海嘉定", "国网供电公司")),
    ("国家市场监督管理总局", (None, "国家市场监督管理总局")),
    ("中国联通曲靖市分公司", (None, "中国联通曲靖市分公司")),
])
def test_place_of(name, expected):
    assert place_of(name) == expected


@pytest.mark.parametrize("name,level", [
    ("交通运输部", "national"), ("国家统计局", "national"), ("国家市场监督管理总局", "national"),
    ("云南省交通运输厅", "provincial"), ("广西壮族自治区水利厅", "provincial"),
    ("重庆市交通运输委员会", "provincial"), ("重庆市巴南区交通运输委员会", "county"),
    ("文山州民政局", "city"), ("曲靖市宣威市交通运输局", "county"), ("红河州弥勒市民政局", "county"),
    ("曲靖市沾益区住建局", "county"), ("科右中旗文旅体局", "county"), ("百善镇人民政府", "county"),
    ("曲靖市交通运输局", None), ("宣威市交通运输局", None), ("浏阳某集团", None),
])
def test_level_of(name, level):
    assert level_of(name) == level


def test_domain_dictionary_is_jieba_format():
    path = domain_dictionary()
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    assert len(lines) >= 300
    pattern = re.compile(r"^[\u4e00-\u9fff0-9A-Za-z]+( [0-9]+)?( [a-z]+)?$")
    assert all(pattern.match(ln) for ln in lines)
    words = {ln.split()[0] for ln in lines}
    assert len(words) == len(lines)
    assert {"公交站台", "农贸市场", "卫生院", "路灯", "老旧小区", "加装电梯", "污水处理", "垃圾分类", "人行道",
            "红绿灯", "停车位", "背街小巷", "农村公路", "高标准农田", "自治县", "街道办事处"} <= words
    kind_words = {w for k in kinds().values() for w in (*k.keywords, *k.names)
                  if re.fullmatch(r"[\u4e00-\u9fff]{2,8}", w)}
    assert kind_words - words == set(), "run: python -m services.assignment.unit_kinds"
