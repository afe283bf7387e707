#!/usr/bin/env python3
"""Generate a synthetic yishi site (and optionally the same site for Hugo).

    python3 benches/gen_corpus.py N OUTDIR [--seed S] [--hugo HUGODIR]

Writes OUTDIR/site.yaml and N case files OUTDIR/content/cases/<year>/<slug>.md:
realistic Chinese "有事好商量" consultation cases of 1,500-3,000 characters,
built from sentence templates with slots (streets, communities, topics,
departments, numbers).  The output is a pure function of N and the seed.

With --hugo HUGODIR the same cases are also written as a Hugo site (hugo.toml,
content/, minimal layouts) so that both generators can be timed on one corpus.

Standard library only.
"""

import argparse
import datetime
import os
import posixpath
import random
import shutil
import sys

MARKER = ".yishi-corpus"  # written into every folder this script owns

# --------------------------------------------------------------------------
# Vocabularies (DOMAIN.md §1)
# --------------------------------------------------------------------------

STREETS = [
    # (name, slug, communities)
    ("秦虹街道", "qinhong", ["秦虹新村社区", "秦虹苑社区", "南湖社区", "石榴园社区"]),
    ("夫子庙街道", "fuzimiao", ["贡院街社区", "钞库街社区", "大石坝街社区", "钓鱼台社区", "琵琶街社区"]),
    ("双塘街道", "shuangtang", ["双塘园社区", "饮虹园社区", "殷高巷社区", "来凤社区"]),
    ("中华门街道", "zhonghuamen", ["门东社区", "门西社区", "雨花门社区", "箍桶巷社区"]),
    ("红花街道", "honghua", ["红花社区", "机场社区", "银龙花园社区", "麒麟门社区"]),
    ("洪武路街道", "hongwulu", ["常府街社区", "户部街社区", "游府西街社区", "文昌巷社区", "吉兆营社区"]),
    ("五老村街道", "wulaocun", ["五老村社区", "止马营社区", "太平巷社区", "长白街社区"]),
    ("大光路街道", "daguanglu", ["大光路社区", "石门坎社区", "瑞金新村社区", "后标营社区"]),
    ("瑞金路街道", "ruijinlu", ["瑞金北村社区", "西华门社区", "中山东路社区", "解放路社区"]),
    ("月牙湖街道", "yueyahu", ["月牙湖花园社区", "苜蓿园社区", "标营社区", "友谊河社区"]),
    ("光华路街道", "guanghualu", ["光华园社区", "五贵里社区", "海福巷社区", "石杨路社区"]),
    ("朝天宫街道", "chaotiangong", ["朝天宫社区", "船板巷社区", "王府园社区", "安品街社区"]),
]

COMMITTEES = [
    # (name, short, slug) -- same as the repository's example site.yaml
    ("经济科技委员会", "经科委", "jingkewei"),
    ("人口资源环境委员会", "人口环境委", "renkouhuanjingwei"),
    ("提案委员会", "提案委", "tiyanwei"),
    ("社会法制委员会", "社法委", "shefawei"),
    ("教育文化卫生体育委员会", "教文卫体委", "jiaowenweitiwei"),
    ("文化文史和学习委员会", "文史委", "wenshiwei"),
]
COMM_INDEX = {c[0]: c for c in COMMITTEES}

OUTCOMES = ["已落实", "推进中", "已答复"]

# Topics in order of popularity (Zipf weights), each with an ASCII slug used
# for file names and a content category.
TOPICS = [
    ("嵌入式养老", "yanglao", "elder"),
    ("老旧小区改造", "laojiu-xiaoqu", "urban"),
    ("加装电梯", "jiazhuang-dianti", "urban"),
    ("社区治理", "shequ-zhili", "safety"),
    ("停车难", "tingche", "urban"),
    ("垃圾分类", "laji-fenlei", "env"),
    ("助餐服务", "zhucan", "elder"),
    ("背街小巷整治", "beijie-xiaoxiang", "urban"),
    ("物业管理", "wuye", "urban"),
    ("营商环境", "yingshang", "econ"),
    ("历史文化街区", "lishi-jiequ", "culture"),
    ("一老一小", "yilao-yixiao", "elder"),
    ("菜场提升", "caichang", "econ"),
    ("电动车充电", "chongdian", "urban"),
    ("适老化改造", "shilaohua", "elder"),
    ("课后服务", "kehou-fuwu", "edu"),
    ("平安建设", "pingan", "safety"),
    ("雨污分流", "yuwu-fenliu", "env"),
    ("文旅融合", "wenlv", "econ"),
    ("就业帮扶", "jiuye", "econ"),
    ("消防安全", "xiaofang", "safety"),
    ("社区卫生服务", "weisheng", "edu"),
    ("夜间经济", "yejian-jingji", "econ"),
    ("老城保护", "laocheng", "culture"),
    ("托育服务", "tuoyu", "edu"),
    ("校园周边安全", "xiaoyuan", "edu"),
    ("河道治理", "hedao", "env"),
    ("噪音扰民", "zaoyin", "env"),
    ("新就业群体", "xinjiuye", "econ"),
    ("心理健康", "xinli", "edu"),
    ("全民健身", "jianshen", "edu"),
    ("公共文化服务", "gonggong-wenhua", "culture"),
    ("无障碍环境", "wuzhangai", "welfare"),
    ("困难群体帮扶", "bangfu", "welfare"),
    ("口袋公园", "koudai-gongyuan", "urban"),
    ("网格化管理", "wangge", "safety"),
    ("数字化治理", "shuzihua", "safety"),
    ("非遗传承", "feiyi", "culture"),
    ("油烟污染", "youyan", "env"),
    ("退役军人服务", "tuiyi-junren", "welfare"),
    ("共享单车管理", "danche", "env"),
    ("小区绿化", "lvhua", "urban"),
]
TOPIC_WEIGHTS = [1.0 / (k + 1) ** 1.05 for k in range(len(TOPICS))]

# Which committees usually take up which category.
CAT_COMMITTEES = {
    "elder": ["人口资源环境委员会", "社会法制委员会", "提案委员会"],
    "urban": ["人口资源环境委员会", "经济科技委员会", "提案委员会"],
    "env": ["人口资源环境委员会", "提案委员会"],
    "econ": ["经济科技委员会", "提案委员会"],
    "culture": ["文化文史和学习委员会", "教育文化卫生体育委员会"],
    "edu": ["教育文化卫生体育委员会", "社会法制委员会"],
    "safety": ["社会法制委员会", "提案委员会"],
    "welfare": ["社会法制委员会", "人口资源环境委员会"],
}

CATEGORIES = {
    "elder": {
        "depts": ["区民政局", "区卫健委", "区医保局", "区住建局", "区残联"],
        "problems": [
            "辖区60周岁以上户籍老年人已达{n3}人，占户籍人口的{share}%，高龄、独居、失能老人的照护需求日益突出",
            "现有养老服务设施多为日间照料中心，功能单一、利用率不高，难以满足老年人“家门口”养老的需求",
            "部分老旧小区缺少适老化设施，老年人上下楼、如厕、洗浴存在安全隐患",
            "社区助餐点数量不足、菜品单一，部分老人反映“吃饭难”问题较为突出",
            "养老服务人员流动性大、专业化程度不高，服务质量参差不齐",
            "子女不在身边的老人遇到突发情况时缺少及时救助渠道",
        ],
        "measures": [
            "整合社区闲置用房，建设嵌入式养老服务站，提供日间照料、助餐助浴、康复护理等服务",
            "推动社区卫生服务中心与养老服务站签约合作，实现医养结合、就近服务",
            "为高龄独居老人安装智能烟感、紧急呼叫等设备，建立定期探访制度",
            "引入专业社会组织运营助餐点，推行“中央厨房+社区配送”模式",
            "对符合条件的困难老年人家庭实施适老化改造，并给予一定补贴",
            "建立养老服务“时间银行”，鼓励低龄老人服务高龄老人",
            "加强养老护理员培训，落实持证上岗和星级评定制度",
        ],
        "followups": [
            "首个嵌入式养老服务站建成投用",
            "社区助餐点新增{n1}个",
            "完成{n2}户困难老人家庭适老化改造",
            "医养结合签约服务覆盖全部社区",
            "为{n3}名独居老人安装紧急呼叫设备",
            "养老服务“时间银行”注册志愿者突破{n3}人",
        ],
        "rows": [("60周岁以上老年人", "人", 800, 9000), ("独居、空巢老人", "人", 60, 900), ("现有日间照料中心", "个", 1, 6),
                 ("社区助餐点", "个", 1, 8), ("失能半失能老人", "人", 20, 400)],
    },
    "urban": {
        "depts": ["区住建局", "区城管局", "区房产局", "区规划资源分局", "区交通运输局", "区公安分局交警大队"],
        "problems": [
            "辖区内建成于上世纪八九十年代的老旧小区较多，普遍存在管网老化、屋面渗漏、道路破损等问题",
            "多层住宅没有电梯，老年居民上下楼困难，加装电梯意愿强烈，但低层住户顾虑较多",
            "小区内停车位严重不足，车辆乱停乱放、堵塞消防通道的现象时有发生",
            "部分背街小巷路面坑洼、架空线缆杂乱，雨天积水，影响居民出行",
            "老旧小区物业管理缺位，保洁、维修等基础服务难以保障，居民满意度不高",
            "电动自行车充电设施不足，“飞线充电”和楼道停放问题屡禁不止",
            "小区绿地被占用种菜、堆物，公共空间品质不高",
        ],
        "measures": [
            "将{community}纳入年度老旧小区整治计划，统筹推进管网改造、立面出新和绿化提升",
            "建立加装电梯“一梯一议”协调机制，由社区牵头、委员参与，逐户做好低层住户工作",
            "挖潜周边机关企事业单位停车资源，推行错时共享停车",
            "在小区内规划建设集中充电棚，配备智能充电桩和消防设施",
            "引入“红色物业”，探索老旧小区物业服务“先尝后买”模式",
            "对背街小巷实施“微更新”，同步推进架空线缆规整和路面修缮",
            "利用边角空地建设口袋公园，增加居民休憩空间",
        ],
        "followups": [
            "已完成{n1}部电梯加装并投入使用",
            "新增共享停车泊位{n3}个",
            "集中充电棚建成投用，新增充电端口{n2}个",
            "小区整治工程通过竣工验收",
            "背街小巷整治完成{n1}条",
            "口袋公园建成开放",
        ],
        "rows": [("涉及住户", "户", 200, 3000), ("现有停车位", "个", 50, 600), ("登记车辆", "辆", 300, 1500),
                 ("具备加装条件的单元", "个", 5, 80), ("破损路面", "平方米", 300, 6000)],
    },
    "env": {
        "depts": ["区城管局", "区生态环境局", "区水务局", "区市场监管局", "区公安分局"],
        "problems": [
            "生活垃圾分类投放点设置不够合理，部分居民分类意识不强，混投现象较为普遍",
            "沿河部分排口存在雨污混接，夏季河道水质波动、异味明显",
            "沿街餐饮店油烟净化设施不完善，周边居民投诉较多",
            "夜间施工和广场舞噪音扰民问题反复出现，邻里矛盾时有发生",
            "共享单车在地铁口、商圈周边无序堆放，挤占人行道",
        ],
        "measures": [
            "优化垃圾分类投放点布局，推行定时定点投放和督导员值守",
            "开展雨污混接排查整改，建立河长、委员、居民共同巡河机制",
            "督促餐饮单位规范安装油烟净化设施并定期清洗，纳入日常巡查",
            "制定社区文明公约，合理划定广场舞活动区域和时段",
            "设置共享单车电子围栏，督促运营企业落实运维责任",
            "开展“小手拉大手”环保宣传，引导居民养成绿色生活习惯",
        ],
        "followups": [
            "垃圾分类示范小区创建通过验收",
            "完成雨污混接点整改{n2}处",
            "油烟扰民投诉同比下降{pct}%",
            "共享单车规范停放点新增{n2}处",
            "河道水质稳定达到考核要求",
        ],
        "rows": [("垃圾投放点", "个", 6, 60), ("分类督导员", "名", 5, 60), ("排查点位", "处", 20, 300),
                 ("相关投诉", "件", 10, 400), ("沿河排口", "个", 5, 80)],
    },
    "econ": {
        "depts": ["区商务局", "区市场监管局", "区发改委", "区文旅局", "区人社局", "区数据局"],
        "problems": [
            "街区商业业态较为单一，部分店铺空置，夜间消费活力不足",
            "老菜场设施陈旧、通道狭窄、环境脏乱，居民买菜体验不佳",
            "中小企业反映政策信息获取渠道不畅，惠企政策落地“最后一公里”仍有堵点",
            "外卖骑手、快递小哥等新就业群体缺少歇脚、充电、饮水的场所",
            "辖区就业困难人员就业渠道窄，技能与岗位需求不匹配",
            "景区周边游客集中，文旅资源与街区商业融合不够",
        ],
        "measures": [
            "制定街区业态提升方案，引入特色餐饮、文创零售等新业态",
            "对菜场实施标准化改造，推行智慧计量和农残快检",
            "建立惠企政策“直通车”，由委员联系企业、定期走访",
            "依托党群服务中心建设“骑士驿站”，提供休息、充电、饮水服务",
            "开展订单式技能培训，举办社区专场招聘会",
            "串联街区文化景点，打造特色文旅消费线路",
        ],
        "followups": [
            "菜场改造完成并重新开业",
            "举办专场招聘会{n1}场，达成就业意向{n3}人",
            "“骑士驿站”建成{n1}处",
            "街区新引进特色商户{n2}家",
            "惠企政策“直通车”走访企业{n3}家次",
        ],
        "rows": [("走访企业", "家", 10, 200), ("沿街商户", "户", 40, 600), ("空置店铺", "间", 3, 60),
                 ("从业人员", "人", 100, 3000), ("收集诉求", "条", 10, 150)],
    },
    "edu": {
        "depts": ["区教育局", "区卫健委", "区体育局", "区公安分局", "团区委", "区妇联"],
        "problems": [
            "双职工家庭“三点半”后孩子无人看护，课后托管需求旺盛",
            "学校周边上下学时段交通拥堵，接送车辆乱停，存在安全隐患",
            "社区卫生服务中心全科医生不足，慢病随访和家庭医生签约服务有待加强",
            "青少年和老年人心理健康服务资源不足，居民求助渠道不清楚",
            "社区健身场地少、器材老化，居民就近健身需求难以满足",
            "0至3岁婴幼儿托育机构数量少、价格偏高",
        ],
        "measures": [
            "整合社区教育资源，开设“四点半课堂”，引入志愿者和专业机构",
            "在学校周边设置护学岗和临时停车区，优化上下学交通组织",
            "推动家庭医生签约服务扩面提质，为重点人群提供上门服务",
            "在社区设立心理咨询室，建立心理危机转介机制",
            "利用边角地建设多功能运动场地，推动学校体育场馆错时开放",
            "发展普惠托育，支持社区嵌入式托育点建设",
        ],
        "followups": [
            "“四点半课堂”开班，服务学生{n3}人次",
            "学校周边护学岗设置到位",
            "家庭医生签约率提升{n1}个百分点",
            "社区多功能运动场建成开放",
            "普惠托育点新增托位{n2}个",
            "社区心理咨询室挂牌运行",
        ],
        "rows": [("服务对象", "人", 100, 3000), ("签约家庭", "户", 200, 5000), ("现有场地", "处", 1, 12),
                 ("志愿者", "名", 10, 200), ("在校学生", "人", 300, 4000)],
    },
    "safety": {
        "depts": ["区公安分局", "区消防救援大队", "区应急管理局", "区司法局", "区数据局", "区委政法委"],
        "problems": [
            "老旧楼栋消防通道被占用、楼道堆物现象较多，火灾隐患突出",
            "网格员身兼多职、任务繁重，基层报表多的问题仍然存在",
            "邻里纠纷、物业纠纷等矛盾多发，调解力量不足",
            "部分群租房存在安全隐患，人员流动大、管理难度高",
            "社区各类信息系统数据不互通，居民办事仍需多头跑",
        ],
        "measures": [
            "开展楼道堆物清理专项行动，建立消防安全网格化巡查机制",
            "推进“多网合一”，为网格员减负赋能",
            "设立“有事好商量”调解工作室，邀请律师、政协委员参与矛盾调处",
            "建立群租房联合整治机制，落实房东安全管理责任",
            "整合社区数据资源，推行“一表通”减轻基层负担",
            "组建居民议事会，完善小区自治公约",
        ],
        "followups": [
            "清理楼道堆物{n3}处，消防通道全部打通",
            "调解工作室受理纠纷{n2}件，调解成功率{pct}%",
            "基层报表精简{n2}%",
            "群租房整治完成{n2}户",
            "居民议事会在{n1}个小区建立",
        ],
        "rows": [("排查楼栋", "栋", 20, 400), ("发现隐患", "处", 10, 300), ("网格员", "名", 10, 120),
                 ("受理纠纷", "件", 10, 300), ("群租房", "户", 5, 150)],
    },
    "culture": {
        "depts": ["区文旅局", "区规划资源分局", "区住建局", "区文化馆", "区图书馆"],
        "problems": [
            "历史建筑保护与居民改善居住条件之间存在矛盾",
            "部分非遗项目传承人年龄偏大，后继乏人",
            "社区文化活动室利用率不高，活动内容与居民需求不匹配",
            "历史文化街区内游客与居民生活相互干扰，街巷环境承载压力较大",
        ],
        "measures": [
            "坚持“留改拆”并举，编制街区微更新导则",
            "在社区设立非遗工作坊，开展非遗进校园、进社区活动",
            "推行公共文化服务“菜单式”供给，由居民点单、部门派单",
            "设置游客分流引导标识，合理划分居民生活区与游览区",
            "挖掘街巷地名文化，设立老城记忆标识牌",
        ],
        "followups": [
            "非遗工作坊挂牌运行",
            "街区微更新导则印发实施",
            "开展文化活动{n2}场，惠及群众{n3}人次",
            "设立老城记忆标识牌{n2}块",
        ],
        "rows": [("历史建筑", "处", 3, 60), ("非遗项目", "项", 2, 20), ("文化活动", "场", 10, 200),
                 ("参与群众", "人次", 500, 20000), ("文化场馆", "个", 1, 10)],
    },
    "welfare": {
        "depts": ["区民政局", "区残联", "区退役军人事务局", "区人社局", "区总工会", "区红十字会"],
        "problems": [
            "辖区低保、低边家庭和残疾人等困难群体的帮扶需求呈现多样化趋势",
            "部分公共场所无障碍设施不连续、不规范，残障人士和老年人出行不便",
            "退役军人在就业创业、权益保障等方面诉求较多，服务站作用发挥不够",
        ],
        "measures": [
            "建立困难群众需求清单和资源清单，实行“一户一策”精准帮扶",
            "开展无障碍设施专项排查，对缺失、破损设施限期整改",
            "整合社会组织、爱心企业资源，打造“15分钟”帮扶服务圈",
            "提升退役军人服务站规范化水平，开展就业创业指导",
        ],
        "followups": [
            "建立帮扶台账{n3}户",
            "完成无障碍设施整改{n2}处",
            "退役军人服务站规范化建设通过验收",
            "帮扶服务圈覆盖全部社区",
        ],
        "rows": [("困难家庭", "户", 30, 600), ("残疾人", "人", 50, 1200), ("排查点位", "处", 20, 300),
                 ("帮扶项目", "个", 3, 30), ("退役军人", "人", 100, 2000)],
    },
}

SOURCES = ["社区居民的集中反映", "委员撰写的社情民意信息", "委员在履职中的调研发现",
           "区委、区政府的交办事项", "12345热线工单的梳理分析", "社区议事会的推荐"]
OTHER_PLACES = ["鼓楼区", "玄武区", "建邺区", "苏州市姑苏区", "杭州市上城区", "上海市黄浦区",
                "常州市天宁区", "扬州市广陵区", "无锡市梁溪区"]
CHAIRS = ["区政协副主席", "街道政协工委主任", "专委会主任", "街道党工委副书记", "区政协秘书长"]
ROLES = ["一位居民代表", "居住在{community}的老党员", "区政协委员", "律师界委员", "物业公司负责人",
         "商户代表", "社区党组织书记", "业委会主任", "{dept}负责同志", "社会组织代表", "医卫界委员",
         "经济界委员", "一位退休教师"]
OTHER_PARTICIPANTS = ["区政协委员", "社区居民代表", "物业服务企业", "业委会代表", "商户代表",
                      "社区党组织", "社会组织代表", "人大代表", "律师"]
LOC_TEMPLATES = ["{place}“有事好商量”协商议事室", "{community}党群服务中心", "{street}政协委员之家",
                 "{community}“委员工作室”", "{street}市民中心会议室"]
COMM_LOC_TEMPLATES = ["区政协机关会议室", "区政协委员之家", "{street}“有事好商量”协商议事室"]

TITLES = [
    "{tunit}“{topic}”协商议事会",
    "{tunit}就{topic}开展“有事好商量”协商",
    "{tplace}{topic}专题协商议事会",
    "{tunit}聚焦{topic}开展协商议事",
    "{year}年{tunit}{topic}协商会",
    "{tunit}协商推进{topic}工作",
    "委员居民面对面共商{topic}（{tunit}）",
    "{tplace}“有事好商量”议{topic}",
    "共商{topic}——{tunit}协商议事纪实",
]
TITLE_NAN = "破解{topic}难题——{tunit}“有事好商量”协商纪实"

BG_OPEN = [
    "近年来，随着城市更新步伐加快，{place}居民对{topic}的关注度持续上升。",
    "{topic}是{street}居民反映较为集中的民生问题之一，也是基层治理中的难点。",
    "{year}年以来，{place}居民通过12345热线、网格员走访等渠道多次反映{topic}方面的问题。",
    "这一议题来源于{source}，经{unit}研究，列入{year}年度协商计划。",
    "{unit}在开展“委员进社区”活动时了解到，{topic}问题已成为{place}居民的一块“心病”。",
    "区委、区政府将{topic}列为年度为民办实事项目，交由{unit}组织开展专题协商。",
]
BG_END = [
    "如何在有限的空间和资金条件下破解这一难题，成为居民群众和相关部门共同关心的问题。",
    "群众的“急难愁盼”就是政协协商的重点，{unit}决定围绕{topic}开展一次“有事好商量”协商议事活动。",
    "为回应群众关切，{unit}把{topic}作为本年度重点协商议题，邀请相关部门和居民代表坐下来共同商量。",
    "这一问题涉及面广、利益诉求多元，单靠一个部门难以解决，需要搭建平台、凝聚共识。",
    "议题确定后，{unit}及时向{dept}通报情况，争取部门的理解和支持。",
]
RS_OPEN = [
    "坚持“不调研不协商”，{unit}组织{n1}名政协委员与{dept}、社区工作人员组成调研组，历时{days}天开展会前调研。",
    "会前，调研组采取“四不两直”方式深入{place}，摸清底数、找准症结。",
    "为使协商更有针对性，调研组先后{n1}次深入一线，面对面听取居民意见。",
    "调研组由{n1}名委员组成，分为政策研究、实地走访、问卷调查三个小组，历时{days}天完成调研。",
]
RS_BULLETS = [
    "实地走访{community}等{n1}个小区（单位），察看现场情况；",
    "发放调查问卷{n3}份，覆盖不同年龄、职业的居民；",
    "召开居民、商户座谈会{n1}场，收集意见建议{n2}条；",
    "查阅{dept}近三年工作台账和12345热线工单{n3}件；",
    "赴{other_place}学习考察{topic}方面的经验做法；",
    "邀请{dept2}业务骨干解读相关政策和标准；",
    "对{n2}户重点家庭进行入户访谈，建立问题清单；",
]
RS_NOTES = ["实地核查", "问卷统计", "部门提供", "社区台账", "抽样调查", "12345工单分析", "入户走访"]
RS_FIND = [
    "从问卷结果看，{pct}%的受访居民认为{topic}问题“比较突出”或“非常突出”，希望尽快得到解决。",
    "调研组梳理形成问题清单{n1}类{n2}项，并与{dept}逐项进行了会商。",
    "在此基础上，调研组形成了调研报告，为协商会的召开打下了扎实基础。",
    "调研中，不少居民主动提出了解决问题的“金点子”，调研组逐条记录、分类整理。",
]
PR_OPEN = [
    "{date_cn}，{unit}在{loc}召开“有事好商量”协商议事会。",
    "{date_cn}下午，一场围绕{topic}的协商议事会在{loc}举行。",
    "{date_cn}上午，{loc}座无虚席，{topic}协商议事会在这里召开。",
]
PR_ATTEND = [
    "区政协委员、{dept}和{dept2}负责同志、{street}相关科室负责人以及居民代表、物业企业代表等{n2}人参加会议。",
    "会议由{chair}主持，{dept}、{dept2}、{dept3}等部门负责同志到会听取意见。",
    "参加协商的有{n1}名区政协委员、{n2}名居民代表，以及{dept}、{dept2}的负责同志。",
]
QUOTES = [
    "{problem}，希望这次协商能拿出实实在在的办法。",
    "建议{measure}，这样老百姓得实惠、看得见。",
    "这件事光靠社区解决不了，需要{dept}和{dept2}一起拿主意。",
    "我们最担心的是后续管理跟不上，建议建立长效机制，明确责任主体。",
    "可以借鉴{other_place}的做法，先在{community}试点，成熟后再推开。",
    "资金是关键，建议采取政府补一点、单位筹一点、居民出一点的办法。",
    "要把居民的意见听进去，方案要公开，过程要透明。",
    "我在这里住了{n2}年，{problem}，大家都盼着早点解决。",
]
PR_RESP = [
    "{dept}负责同志现场回应，表示将把{topic}纳入部门年度重点工作，{measure}。",
    "针对大家提出的意见，{dept2}负责同志逐一作了回应，并就相关政策作了解读。",
    "协商中，有不同意见的碰撞，也有换位思考的理解，大家越谈越近、越商越明。",
    "会议坚持“有事好商量、众人的事情由众人商量”，做到协商于民、协商为民。",
]
RE_OPEN = [
    "经过充分协商，与会各方就{topic}达成以下共识：",
    "协商会形成了{k}条具体建议：",
    "会议在广泛听取意见的基础上，形成如下协商成果：",
]
RE_CLOSE = [
    "上述共识形成协商纪要，由{unit}报送区委、区政府和相关职能部门。",
    "与会人员一致表示，将按照分工抓好落实，确保协商成果落地见效。",
    "协商纪要经与会各方确认后，抄送{dept}、{dept2}等单位研究办理。",
]
FO_OPEN = [
    "会后，{unit}将协商成果形成专题报告，报送区委、区政府，并转交{dept}研究办理。",
    "协商成果得到区领导的高度重视，{dept}牵头制定了具体实施方案，明确任务分工和时间节点。",
    "{unit}建立协商成果落实跟踪机制，定期听取{dept}办理情况汇报，组织委员开展“回头看”。",
]
FO_OUTCOME = {
    "已落实": ["目前，协商成果已全部落实到位，居民满意度达到{pct}%。",
               "各项建议均已办结，{place}居民纷纷点赞，“有事好商量”真正商出了实效。"],
    "推进中": ["目前，相关工作正在有序推进中，{unit}将持续跟踪，推动形成工作闭环。",
               "部分建议已经落实，其余事项正按计划推进，预计年内完成。"],
    "已答复": ["{dept}已作出书面答复，对暂不具备条件的事项作了说明，并明确了下一步打算。",
               "承办单位已就协商建议作出答复，{unit}将适时组织“回头看”。"],
}
LESSONS = [
    ["一是坚持党建引领，把协商议事平台建在群众家门口，让群众的事由群众商量着办。",
     "一是坚持问题导向，从群众最关心、最直接、最现实的问题入手选题，做到协商议题来自群众。"],
    ["二是坚持不调研不协商，会前充分摸底，使协商建议有的放矢、切实可行。",
     "二是坚持多方参与，把委员、部门、居民和企业请到一张桌子上，凝聚最大公约数。"],
    ["三是坚持成果转化，建立跟踪问效机制，做到协商一件、落实一件、见效一件。",
     "三是注重发挥委员作用，委员既当“调研员”又当“宣传员”，在协商中发挥桥梁纽带作用。"],
]
# Extra material per section, used (without repetition inside one case) to
# bring each case to its target length.
MORE = {
    0: [  # 协商背景
        "{street}地处老城区，{community}等社区建成年代早、人口密度大，{problem}。",
        "据{dept}统计，{year}年全区共受理涉及{topic}的群众诉求{n3}件，同比增长{n1}%。",
        "不少居民表示，{topic}问题看似是小事，却关系到千家万户的日常生活。",
        "{street}现有常住人口约{n3}0人，辖区内老旧住宅比例较高。",
        "此前，社区曾多次召开居民会议商讨此事，但由于各方意见不一，问题一直没有得到根本解决。",
        "有委员在社情民意信息中指出，{problem}，建议通过协商的方式凝聚共识、推动解决。",
        "{community}的一位老居民告诉委员，{problem}，大家盼了很多年。",
        "相关部门此前也做了不少工作，但受场地、资金、政策等因素制约，效果还不够明显。",
        "{topic}既是民生问题，也是治理问题，需要政府、市场、社会和居民共同发力。",
        "{year}年，{topic}被写入区政府工作报告，成为全区上下共同关注的一项民生工程。",
    ],
    1: [  # 会前调研
        "调研组还注意到，部分居民对相关政策了解不多，存在一定的误解和顾虑。",
        "{unit}多次与{dept}沟通对接，推动问题在协商前就进入部门视野。",
        "调研组在{community}召开了{n1}场小型座谈会，{n2}名居民代表参加。",
        "为扩大参与面，{unit}还通过社区微信群征集居民意见{n2}条。",
        "在{community}，{problem}的情况尤为明显。",
        "{dept}介绍，近{n1}年来已投入专项资金{n2}0万元用于相关工作。",
        "调研组专门赴{other_place}学习，了解当地在{topic}方面的做法，带回了{n1}条可借鉴的经验。",
        "问卷显示，{pct}%的受访居民支持通过协商方式解决问题，不少居民愿意参与后续管理。",
        "调研报告梳理了问题成因：一是历史欠账较多，二是管理责任不清，三是居民诉求多元。",
        "委员们白天走街串巷，晚上整理材料，先后形成调研笔记{n2}篇。",
    ],
    2: [  # 协商过程
        "协商过程中，委员们注重换位思考，既讲政策也讲感情，耐心做好解释说明工作。",
        "此次协商还邀请了{n1}名专家学者列席，从专业角度提出了意见。",
        "有委员指出，{problem}，必须引起足够重视。",
        "与会人员一致认为，应当{measure}。",
        "{dept2}负责同志介绍了相关政策和近年来的工作情况，表示愿意积极配合。",
        "讨论中也出现了分歧。有居民担心{concern}，委员们耐心听取、逐一回应，最终找到了各方都能接受的办法。",
        "居民代表纷纷表示，这样的协商会开到了大家心坎上。",
        "会议现场气氛热烈，{n1}位居民代表先后发言，有的还带来了自己画的草图。",
        "{chair}在总结时指出，要把协商成果转化为看得见、摸得着的实事。",
    ],
    4: [  # 成果转化与落实
        "相关部门表示，将把协商成果转化为具体的工作举措，确保件件有着落、事事有回音。",
        "{dept2}还结合自身职能，提出了配套支持措施。",
        "截至目前，{place}已累计召开各类协商议事会{n2}次，解决群众身边问题{n3}件。",
        "社区工作人员说，过去遇到这类问题只能“头痛医头”，现在有了协商平台，大家可以坐下来一起想办法。",
        "{unit}组织委员对落实情况进行了实地察看，并召开“回头看”座谈会，听取居民评价。",
        "在落实过程中，{dept}与社区建立了周例会制度，及时协调解决推进中遇到的问题。",
        "项目实施期间，委员们坚持“一线督办”，先后{n1}次到现场察看进度。",
        "居民满意度测评显示，{pct}%的受访居民对落实情况表示满意。",
        "下一步，{unit}将继续跟踪问效，推动形成长效机制。",
        "这一做法得到了区委、区政府主要领导的肯定，并在全区推广。",
    ],
    5: [  # 经验启示
        "四是注重建章立制，把协商中形成的好做法固化为制度，推动问题长效解决。",
        "实践证明，只要把群众的事情交给群众商量，就能找到最大公约数、画出最大同心圆。",
        "“有事好商量”不是一次会议，而是一套从选题、调研、协商到落实、评价的完整流程。",
    ],
}
CONCERNS = ["费用分摊不公平", "施工影响日常生活", "后期维护没人管", "方案只顾一部分人",
            "改造后物业费上涨", "占用公共空间"]

LINK_SENTENCES = [
    "此前，[{ltitle}]({lhref})的做法为本次协商提供了有益借鉴。",
    "相关情况可参阅[{ltitle}]({lhref})。",
    "这与[{ltitle}]({lhref})中反映的问题有相似之处。",
]

HEADINGS = ["协商背景", "会前调研", "协商过程", "协商成果", "成果转化与落实", "经验启示"]

START = datetime.date(2018, 1, 1).toordinal()
END = datetime.date(2025, 12, 31).toordinal()
MIN_CHARS, MAX_CHARS = 1500, 3000  # length of a case file, in characters
LATEST_FOLLOWUP = datetime.date(2026, 11, 27).toordinal()


def date_cn(d):
    return "%d年%d月%d日" % (d.year, d.month, d.day)


def is_han(ch):
    return "\u4e00" <= ch <= "\u9fff"


def wrap(par, width):
    """Hard-wrap a paragraph the way writers do (only between two Han characters)."""
    out = []
    line_start = 0
    i = width
    n = len(par)
    while i < n:
        j = i
        while j < n and not (is_han(par[j - 1]) and is_han(par[j])):
            j += 1
        if j >= n:
            break
        out.append(par[line_start:j])
        line_start = j
        i = j + width
    out.append(par[line_start:])
    return "\n".join(out)


class LazyDict(dict):
    """Template slots; a missing slot is made by self.lazy[key]() on first use."""

    __slots__ = ("lazy",)

    def __missing__(self, key):
        v = self[key] = self.lazy[key]()
        return v


class Case:
    __slots__ = ("idx", "date", "year", "fname", "slug", "slug_in_fm", "title", "street",
                 "community", "committees", "comm_fm", "street_fm", "topics", "cat", "typical",
                 "outcome", "followups", "participants", "location", "summary", "body", "relpath")


def plan_cases(n, rng):
    """First pass: every case's facts (so that bodies can link to other cases)."""
    choice, randint, random_ = rng.choice, rng.randint, rng.random
    topic_idx = list(range(len(TOPICS)))
    cases = []
    for i in range(1, n + 1):
        c = Case()
        c.idx = i
        d = datetime.date.fromordinal(randint(START, END))
        c.date = d
        c.year = d.year
        # topics: primary + 0-2 more, Zipf-like
        k = 1 + (random_() < 0.55) + (random_() < 0.25)
        picks = []
        while len(picks) < k:
            t = rng.choices(topic_idx, TOPIC_WEIGHTS)[0]
            if t not in picks:
                picks.append(t)
        c.topics = [TOPICS[t][0] for t in picks]
        c.cat = TOPICS[picks[0]][2]
        tslug = TOPICS[picks[0]][1]
        # unit: street (60%), committee (25%), joint (15%)
        r = random_()
        c.street = c.community = None
        c.committees = []
        if r < 0.85:
            s = choice(STREETS)
            c.street = s
            if random_() < 0.6:
                c.community = choice(s[2])
        if r >= 0.60:
            cands = CAT_COMMITTEES[c.cat]
            c.committees = [COMM_INDEX[choice(cands)]]
            if random_() < 0.2:
                other = choice(COMMITTEES)
                if other is not c.committees[0]:
                    c.committees.append(other)
        # how the writer typed the vocabulary values
        if c.street is not None:
            c.street_fm = c.street[1] if random_() < 0.03 else c.street[0]
        else:
            c.street_fm = None
        c.comm_fm = [cm[1] if random_() < 0.3 else cm[0] for cm in c.committees]
        if random_() < 0.1 and c.comm_fm:
            c.comm_fm = [cm[2] for cm in c.committees]
        c.typical = random_() < 0.05
        age = (END - d.toordinal()) / (END - START)
        r = random_()
        if r < 0.45 + 0.45 * age:
            c.outcome = "已落实"
        elif r < 0.85 + 0.1 * age:
            c.outcome = "推进中"
        else:
            c.outcome = "已答复"
        if random_() < 0.1:
            c.outcome = None
        unit_slug = c.street[1] if c.street else c.committees[0][2]
        if random_() < 0.5:
            c.fname = "%s-%s-%06d.md" % (unit_slug, tslug, i)
            c.slug = "case-%06d" % i
            c.slug_in_fm = True
        else:
            c.fname = "%s-%s-%06d.md" % (unit_slug, tslug, i)
            c.slug = c.fname[:-3]
            c.slug_in_fm = False
        c.relpath = "%d/%s" % (c.year, c.fname)
        cases.append(c)
    return cases


def build_case(c, cases, rng):
    """Second pass: title, remaining front matter and the Markdown body."""
    random_ = rng.random

    # faster than rng.choice / rng.randint / rng.sample (which dominated the run time)
    def choice(seq):
        return seq[int(random_() * len(seq))]

    def randint(a, b):
        return a + int(random_() * (b - a + 1))

    def sample(population, k):
        p = list(population)
        n = len(p)
        for i in range(k):
            j = i + int(random_() * (n - i))
            p[i], p[j] = p[j], p[i]
        del p[k:]
        return p

    cat = CATEGORIES[c.cat]
    depts = sample(cat["depts"], 3)
    street = c.street[0] if c.street else choice(STREETS)[0]
    if c.community:
        community = c.community
    elif c.street:
        community = choice(c.street[2])
    else:
        community = choice(choice(STREETS)[2])
    place = (c.street[0] + c.community) if (c.street and c.community) else street
    if c.street and c.committees:
        unit = "%s与%s" % (c.committees[0][0], c.street[0] + "政协工委")
        tunit = "%s与%s联合" % (c.committees[0][1], c.street[0])
    elif c.street:
        unit = c.street[0] + "政协工委"
        tunit = c.street[0]
    else:
        unit = "区政协" + c.committees[0][0]
        tunit = "区政协" + (c.committees[0][0] if random_() < 0.5 else c.committees[0][1])
    topic = c.topics[0]
    problems = cat["problems"]
    measures = cat["measures"]
    # slots that change from paragraph to paragraph: made on first use after refresh()
    lazy = {
        "n1": lambda: randint(2, 9),
        "n2": lambda: randint(10, 80),
        "n3": lambda: randint(120, 3000),
        "pct": lambda: randint(52, 98),
        "share": lambda: randint(18, 36),
        "problem": lambda: choice(problems).format_map(ctx),
        "measure": lambda: choice(measures).format_map(ctx),
        "concern": lambda: choice(CONCERNS),
    }

    ctx = LazyDict({
        "street": street, "community": community, "place": place, "unit": unit,
        "tunit": tunit, "tplace": place if c.street else tunit, "topic": topic,
        "dept": depts[0], "dept2": depts[1], "dept3": depts[2], "year": c.year,
        "date_cn": date_cn(c.date), "source": choice(SOURCES), "chair": choice(CHAIRS),
        "other_place": choice(OTHER_PLACES), "days": randint(7, 45),
        "k": 4,
    })
    ctx.lazy = lazy
    lazy_keys = tuple(lazy)
    pop = ctx.pop

    def refresh():
        for key in lazy_keys:
            pop(key, None)

    def f(t):
        return t.format_map(ctx)

    def quote(t):
        # nested quotation marks become single ones inside a quote
        q = f(t).replace("“", "‘").replace("”", "’")
        return "%s说：“%s”" % (f(choice(ROLES)), q)

    refresh()
    # location, participants, title
    if c.street:
        c.location = f(choice(LOC_TEMPLATES))
    else:
        c.location = f(choice(COMM_LOC_TEMPLATES))
    ctx["loc"] = c.location
    parts = depts[: randint(1, 3)] + sample(OTHER_PARTICIPANTS, randint(1, 3))
    c.participants = parts if random_() < 0.85 else None
    if random_() < 0.1 and not topic.endswith("难"):
        c.title = f(TITLE_NAN)
    else:
        c.title = f(choice(TITLES))
    c.summary = None
    if random_() < 0.7:
        c.summary = "%s围绕%s开展协商，商定%s等举措。" % (unit, topic, choice(measures).format_map(ctx).split("，")[0])
    # followups (~30%)
    c.followups = []
    if random_() < 0.3:
        day = c.date.toordinal()
        for _ in range(randint(1, 3)):
            day += randint(20, 200)
            if day > LATEST_FOLLOWUP:
                break
            refresh()
            c.followups.append((datetime.date.fromordinal(day), f(choice(cat["followups"]))))

    target = randint(MIN_CHARS, MAX_CHARS - 200)
    wrap_width = randint(28, 40) if random_() < 0.25 else 0
    sections = [[] for _ in range(6)]  # list of blocks (strings)
    plain = [[] for _ in range(6)]  # parallel: True if the block may be hard-wrapped

    def add(si, block, wrappable=True):
        sections[si].append(block)
        plain[si].append(wrappable)

    # 协商背景
    refresh()
    bg = f(choice(BG_OPEN)) + "调研中发现，" + ctx["problem"] + "。"
    refresh()
    bg += f(choice(BG_END))
    add(0, bg)
    if c.idx > 1 and random_() < 0.15:
        # link to a case generated before this one (its title is known)
        other = cases[randint(0, c.idx - 2)]
        ctx["ltitle"] = other.title
        ctx["lhref"] = posixpath.relpath(other.relpath, posixpath.dirname(c.relpath))
        add(0, f(choice(LINK_SENTENCES)), False)
    # 会前调研
    refresh()
    add(1, f(choice(RS_OPEN)))
    bl = []
    for t in sample(RS_BULLETS, randint(3, 5)):
        refresh()
        bl.append("- " + f(t))
    bl[-1] = bl[-1][:-1] + "。"
    add(1, "\n".join(bl), False)
    rows = ["| 调研项目 | 数量 | 说明 |", "| --- | ---: | --- |"]
    for label, unitname, lo, hi in sample(cat["rows"], randint(3, 5)):
        rows.append("| %s | %d %s | %s |" % (label, randint(lo, hi), unitname, choice(RS_NOTES)))
    rows.append("| 问卷有效回收 | %d 份 | 问卷统计 |" % randint(80, 1500))
    add(1, "\n".join(rows), False)
    refresh()
    add(1, "调研发现，" + ctx["problem"] + "。" + f(choice(RS_FIND)))
    # 协商过程
    refresh()
    add(2, f(choice(PR_OPEN)) + f(choice(PR_ATTEND)))
    add(2, "会上，大家敞开心扉、坦诚交流。")
    quotes = sample(QUOTES, len(QUOTES))
    for _ in range(randint(2, 4)):
        refresh()
        add(2, quote(quotes.pop()))
    refresh()
    add(2, f(choice(PR_RESP)))
    # 协商成果
    k = randint(3, 5)
    ctx["k"] = k
    add(3, f(choice(RE_OPEN)), False)
    items = []
    for n, m in enumerate(sample(measures, min(k, len(measures))), 1):
        items.append("%d. %s；" % (n, m.format_map(ctx)))
    items[-1] = items[-1][:-1] + "。"
    add(3, "\n".join(items), False)
    refresh()
    add(3, f(choice(RE_CLOSE)))
    # 成果转化与落实
    refresh()
    add(4, f(choice(FO_OPEN)))
    if c.followups:
        add(4, "\n".join("- %s，%s。" % (date_cn(d), t) for d, t in c.followups), False)
    if c.outcome:
        add(4, f(choice(FO_OUTCOME[c.outcome])))
    # 经验启示 (typical cases and some others)
    has_lessons = c.typical or random_() < 0.3
    if has_lessons:
        add(5, "".join(choice(x) for x in LESSONS))

    # length of the whole file: front matter + headings + blocks + blank lines
    total = len(front_matter(c)) + sum(len(b) + 2 for s in sections for b in s)
    total += sum(len(HEADINGS[i]) + 5 for i in range(6) if sections[i])
    grow = [0, 1, 2, 2, 4] + ([5] if has_lessons else [])
    pools = {si: sample(MORE[si], len(MORE[si])) for si in sorted(set(grow))}
    quotes = sample(QUOTES, len(QUOTES))
    while total < target:
        refresh()
        si = choice(grow)
        if si == 2 and quotes and random_() < 0.5:
            p = quote(quotes.pop())
        else:
            pool = pools[si]
            if not pool:
                pool = pools[si] = sample(MORE[si], len(MORE[si]))  # exhausted: allow repeats
            p = "".join(f(pool.pop()) for _ in range(min(len(pool), randint(1, 3))))
        if total + len(p) + 2 > MAX_CHARS:
            break
        add(si, p)
        total += len(p) + 2

    out = []
    for si in range(6):
        if not sections[si]:
            continue
        out.append("## " + HEADINGS[si])
        for block, w in zip(sections[si], plain[si]):
            out.append(wrap(block, wrap_width) if (w and wrap_width) else block)
    c.body = "\n\n".join(out) + "\n"


def yaml_list(items):
    return "[" + ", ".join(items) + "]"


def front_matter(c, hugo=False):
    L = ["---", "title: " + c.title, "date: " + c.date.isoformat()]
    if hugo:
        L.append("slug: " + c.slug)
        if c.street:
            L.append("streets: [%s]" % c.street[0])
        if c.committees:
            L.append("committees: " + yaml_list(cm[0] for cm in c.committees))
        L.append("topics: " + yaml_list(c.topics))
        L.append("years: ['%d']" % c.year)
        if c.community:
            L.append("community: " + c.community)
    else:
        if c.street_fm:
            L.append("street: " + c.street_fm)
        if c.community:
            L.append("community: " + c.community)
        if c.comm_fm:
            if len(c.comm_fm) == 1 and (c.idx % 3):
                L.append("committee: " + c.comm_fm[0])
            else:
                L.append("committee: " + yaml_list(c.comm_fm))
        L.append("topics: " + yaml_list(c.topics))
    if c.typical:
        L.append("typical: true")
    if c.outcome:
        L.append("outcome: " + c.outcome)
    if c.followups:
        L.append("followups:")
        for d, t in c.followups:
            L.append("  - { date: %s, text: %s }" % (d.isoformat(), t))
    if c.participants:
        L.append("participants: " + yaml_list(c.participants))
    L.append("location: " + c.location)
    if c.summary:
        L.append("summary: " + c.summary)
    if not hugo and c.slug_in_fm:
        L.append("slug: " + c.slug)
    L.append("---")
    return "\n".join(L) + "\n\n"


SITE_YAML_HEAD = """\
# 基准测试用合成站点（benches/gen_corpus.py 生成，案例均为虚构）。
title: 秦淮区政协“有事好商量”协商议事案例
base_url: https://www.example.gov.cn/yshsl/
description: 秦淮区政协各街道政协工委和专门委员会开展“有事好商量”协商议事活动的案例汇编（基准测试语料）。
page_size: 20
yearly_minimum: 4
footer:
  organization: 中国人民政治协商会议南京市秦淮区委员会办公室
  address: 南京市秦淮区太平南路69号（示例）
  contact: 电话 025-00000000（示例）
  icp: 苏ICP备00000000号-1（示例）
"""


def site_yaml():
    L = [SITE_YAML_HEAD.rstrip("\n"), "streets:"]
    for name, slug, comms in STREETS:
        L.append("  - { name: %s, slug: %s, communities: %s }" % (name, slug, yaml_list(comms)))
    L.append("committees:")
    for name, short, slug in COMMITTEES:
        L.append("  - { name: %s, short: %s, slug: %s }" % (name, short, slug))
    L.append("outcomes: [已落实, 推进中, 已答复]")
    L.append("theme: default")
    return "\n".join(L) + "\n"


INDEX_MD = """\
---
title: 有事好商量
---

“有事好商量”是秦淮区政协搭建的基层协商议事平台。各街道政协工委和区政协专门委员会
围绕群众身边的“急难愁盼”问题，组织政协委员、相关部门和居民代表坐下来共同商量，
推动协商成果转化落实。本站汇编历年协商议事案例，供委员和群众查阅。
"""

ABOUT_MD = """\
---
title: 关于本站
---

本站为基准测试生成的合成站点，所有案例均为虚构，仅用于测试静态网站生成器的性能。
"""


def prepare_dir(path):
    """Create path, or clear a folder this script generated earlier."""
    if os.path.exists(path):
        entries = os.listdir(path)
        if entries and MARKER not in entries:
            sys.exit("gen_corpus: %s exists and was not made by gen_corpus.py; refusing to overwrite" % path)
        for e in entries:
            p = os.path.join(path, e)
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            else:
                os.remove(p)
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, MARKER), "w") as fh:
        fh.write("generated by benches/gen_corpus.py; safe to delete\n")


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as fh:
        fh.write(text)


# --------------------------------------------------------------------------
# Hugo side
# --------------------------------------------------------------------------

HUGO_TOML = """\
baseURL = "https://www.example.gov.cn/yshsl/"
# languageCode was renamed locale in Hugo 0.158 (the old key still works, with a warning)
locale = "zh-cn"
title = "秦淮区政协“有事好商量”协商议事案例"
hasCJKLanguage = true
enableRobotsTXT = true
disableKinds = []

[pagination]
  pagerSize = 20

# feeds carry the latest 20 entries (Hugo's default is all pages in every feed)
[services.rss]
  limit = 20

[taxonomies]
  street = "streets"
  committee = "committees"
  topic = "topics"
  year = "years"

[permalinks.page]
  cases = "/cases/:slug/"
  pages = "/:slug/"

[outputs]
  home = ["html", "rss", "json"]

[markup.goldmark.renderer]
  unsafe = false

[markup.goldmark.extensions]
  strikethrough = true
  table = true
  taskList = true
  footnote = true

[params]
  description = "秦淮区政协各街道政协工委和专门委员会开展“有事好商量”协商议事活动的案例汇编（基准测试语料）。"
  organization = "中国人民政治协商会议南京市秦淮区委员会办公室"
  address = "南京市秦淮区太平南路69号（示例）"
  contact = "电话 025-00000000（示例）"
  icp = "苏ICP备00000000号-1（示例）"
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} - {{ end }}{{ site.Title }}</title>
<meta name="description" content="{{ with .Params.summary }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ with .OutputFormats.Get "rss" }}<link rel="alternate" type="application/rss+xml" href="{{ .RelPermalink }}">{{ end }}
<style>body{font-size:18px;line-height:1.6;max-width:50em;margin:auto;padding:0 1em}</style>
</head>
<body>
<a href="#main">跳到正文</a>
<header>
<p><a href="{{ "" | relURL }}">{{ site.Title }}</a></p>
<nav aria-label="主导航"><ul>
<li><a href="{{ "" | relURL }}">首页</a></li>
<li><a href="{{ "streets/" | relURL }}">按街道</a></li>
<li><a href="{{ "committees/" | relURL }}">按专委会</a></li>
<li><a href="{{ "topics/" | relURL }}">按主题</a></li>
<li><a href="{{ "years/" | relURL }}">按年份</a></li>
<li><a href="{{ "cases/" | relURL }}">全部案例</a></li>
</ul></nav>
</header>
<main id="main">
{{ block "main" . }}{{ end }}
</main>
<footer>
<p>主办单位：{{ site.Params.organization }}</p>
<p>地址：{{ site.Params.address }} {{ site.Params.contact }}</p>
<p><a href="https://beian.miit.gov.cn/">{{ site.Params.icp }}</a></p>
</footer>
</body>
</html>
""",
    "_partials/caselist.html": """\
<ul class="cases">
{{ range . }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006年1月2日" }}</time>
{{ with .Params.outcome }}<span class="outcome">{{ . }}</span>{{ end }}
<p>{{ with .Params.summary }}{{ . }}{{ else }}{{ .Summary | plainify | truncate 80 }}{{ end }}</p></li>
{{ end }}
</ul>
""",
    "_partials/pager.html": """\
{{ $p := .Paginator }}
{{ if gt $p.TotalPages 1 }}
<nav aria-label="分页"><p>
{{ with $p.Prev }}<a href="{{ .URL }}">上一页</a>{{ end }}
第 {{ $p.PageNumber }} / {{ $p.TotalPages }} 页
{{ with $p.Next }}<a href="{{ .URL }}">下一页</a>{{ end }}
</p></nav>
{{ end }}
""",
    "_partials/terms.html": """\
{{ $page := .page }}{{ $tax := .tax }}{{ $label := .label }}
{{ with $page.GetTerms $tax }}
<dt>{{ $label }}</dt>
<dd>{{ range $i, $t := . }}{{ if $i }}、{{ end }}<a href="{{ $t.RelPermalink }}">{{ $t.LinkTitle }}</a>{{ end }}</dd>
{{ end }}
""",
    "single.html": """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<dl class="facts">
<dt>日期</dt><dd><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2006年1月2日" }}</time></dd>
{{ partial "terms.html" (dict "page" . "tax" "streets" "label" "街道") }}
{{ with .Params.community }}<dt>社区</dt><dd>{{ . }}</dd>{{ end }}
{{ partial "terms.html" (dict "page" . "tax" "committees" "label" "专委会") }}
{{ partial "terms.html" (dict "page" . "tax" "topics" "label" "主题") }}
{{ with .Params.outcome }}<dt>协商成果</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.location }}<dt>地点</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.participants }}<dt>参加单位</dt><dd>{{ delimit . "、" }}</dd>{{ end }}
{{ if .Params.typical }}<dt>典型案例</dt><dd>是</dd>{{ end }}
</dl>
{{ .Content }}
{{ with .Params.followups }}
<section><h2>落实进展</h2><ol>
{{ range . }}<li><time>{{ (time .date).Format "2006年1月2日" }}</time> {{ .text }}</li>{{ end }}
</ol></section>
{{ end }}
<nav aria-label="上一篇和下一篇">
{{ with .PrevInSection }}<p>上一篇：<a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}
{{ with .NextInSection }}<p>下一篇：<a href="{{ .RelPermalink }}">{{ .Title }}</a></p>{{ end }}
</nav>
</article>
{{ end }}
""",
    "list.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
{{ $pager := .Paginate .Pages.ByDate.Reverse }}
{{ partial "caselist.html" $pager.Pages }}
{{ partial "pager.html" . }}
{{ end }}
""",
    "taxonomy.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.Alphabetical }}
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a>（{{ .Count }}）</li>
{{ end }}
</ul>
{{ end }}
""",
    "term.html": """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<p>共 {{ len .Pages }} 个案例</p>
{{ $pager := .Paginate .Pages.ByDate.Reverse }}
{{ partial "caselist.html" $pager.Pages }}
{{ partial "pager.html" . }}
{{ end }}
""",
    "home.html": """\
{{ define "main" }}
<h1>{{ site.Title }}</h1>
{{ .Content }}
{{ $cases := where site.RegularPages "Section" "cases" }}
<section><h2>典型案例</h2>
{{ partial "caselist.html" (first 10 (where $cases "Params.typical" true).ByDate.Reverse) }}
</section>
<section><h2>最新案例</h2>
{{ partial "caselist.html" (first 10 $cases.ByDate.Reverse) }}
</section>
<section><h2>按街道浏览</h2><ul>
{{ range site.Taxonomies.streets.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a>（{{ .Count }}）</li>{{ end }}
</ul></section>
<section><h2>按专委会浏览</h2><ul>
{{ range site.Taxonomies.committees.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a>（{{ .Count }}）</li>{{ end }}
</ul></section>
<section><h2>按主题浏览</h2><ul>
{{ range site.Taxonomies.topics.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a>（{{ .Count }}）</li>{{ end }}
</ul></section>
<section><h2>按年份浏览</h2><ul>
{{ range site.Taxonomies.years.Alphabetical.Reverse }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a>（{{ .Count }}）</li>{{ end }}
</ul></section>
{{ end }}
""",
    # open data / search index, like yishi's /api/cases.json
    "home.json": """\
{{- $items := slice -}}
{{- range where site.RegularPages "Section" "cases" -}}
{{- $items = $items | append (dict "title" .Title "url" .Permalink "date" (.Date.Format "2006-01-02") "streets" .Params.streets "committees" .Params.committees "topics" .Params.topics "outcome" .Params.outcome "summary" .Params.summary) -}}
{{- end -}}
{{- $items | jsonify -}}
""",
    "_markup/render-link.html": """\
{{- $dest := .Destination -}}
{{- $u := urls.Parse .Destination -}}
{{- if and (not $u.IsAbs) (strings.HasSuffix $u.Path ".md") -}}
  {{- with .PageInner.GetPage $u.Path -}}
    {{- $dest = .RelPermalink -}}
  {{- else -}}
    {{- errorf "broken link %q in %s" $u.Path $.PageInner.File.Path -}}
  {{- end -}}
{{- end -}}
<a href="{{ $dest }}">{{ .Text }}</a>
{{- /**/ -}}
""",
}


def write_hugo_skeleton(hugodir):
    """Write the Hugo site minus the cases; return its content folder."""
    prepare_dir(hugodir)
    write(os.path.join(hugodir, "hugo.toml"), HUGO_TOML)
    for rel, text in sorted(HUGO_LAYOUTS.items()):
        p = os.path.join(hugodir, "layouts", rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        write(p, text)
    content = os.path.join(hugodir, "content")
    os.makedirs(os.path.join(content, "pages"))
    write(os.path.join(content, "_index.md"), INDEX_MD)
    write(os.path.join(content, "pages", "about.md"), ABOUT_MD.replace("---\n\n", "slug: about\n---\n\n"))
    # standalone pages: published at /<slug>/, no /pages/ list (as in yishi)
    write(os.path.join(content, "pages", "_index.md"), "---\ntitle: 页面\nbuild:\n  render: never\n---\n")
    os.makedirs(os.path.join(content, "cases"))
    write(os.path.join(content, "cases", "_index.md"), "---\ntitle: 全部案例\n---\n")
    for name, title in (("streets", "按街道"), ("committees", "按专委会"), ("topics", "按主题"), ("years", "按年份")):
        os.makedirs(os.path.join(content, name))
        write(os.path.join(content, name, "_index.md"), "---\ntitle: %s\n---\n" % title)
    return content


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of cases")
    ap.add_argument("outdir", help="yishi site folder to write")
    ap.add_argument("--seed", type=int, default=2020, help="random seed (default 2020)")
    ap.add_argument("--hugo", metavar="HUGODIR", help="also write the same cases as a Hugo site")
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")

    rng = random.Random(args.seed)
    cases = plan_cases(args.n, rng)

    prepare_dir(args.outdir)
    write(os.path.join(args.outdir, "site.yaml"), site_yaml())
    content = os.path.join(args.outdir, "content")
    os.makedirs(os.path.join(content, "pages"))
    write(os.path.join(content, "_index.md"), INDEX_MD)
    write(os.path.join(content, "pages", "about.md"), ABOUT_MD)
    hugo_content = write_hugo_skeleton(args.hugo) if args.hugo else None
    for year in sorted({c.year for c in cases}):
        os.makedirs(os.path.join(content, "cases", str(year)))
        if hugo_content:
            os.makedirs(os.path.join(hugo_content, "cases", str(year)))
    # cases are built and written one at a time, in index order
    for c in cases:
        build_case(c, cases, rng)
        write(os.path.join(content, "cases", c.relpath), front_matter(c) + c.body)
        if hugo_content:
            write(os.path.join(hugo_content, "cases", c.relpath), front_matter(c, hugo=True) + c.body)
        c.body = None
    themes = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "themes")
    if os.path.isdir(themes):
        shutil.copytree(themes, os.path.join(args.outdir, "themes"))


if __name__ == "__main__":
    main()
