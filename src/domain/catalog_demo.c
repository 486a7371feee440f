/* catalog_demo.c - the demonstration catalogue: the kinds of problems Shangyu's grids, compound
 * commissioners and enterprise-service cadres report (e-bikes charged in stairwells, a utility
 * pole standing in new parking spaces, enterprises' customs, labour and land requests ...), each
 * with its default department, handling level, stage deadlines and Open311 attributes. It runs
 * after the demo departments of demo.c exist and adds the district bureaus it needs itself. */
#include "domain/catalog.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct department extra_departments[] = {
    {"rsj", "区人力资源和社会保障局", "330604"},
    {"zrj", "区自然资源和规划局", "330604"},
    {"hg", "上虞海关服务点", "330604"},
};

/* An attribute with its list values written compactly as "key:名称,key:名称". */
struct demo_attr {
    const char *code, *datatype, *description, *datatype_description;
    int required;
    const char *values;
};

#define DEMO_ATTRS_MAX 4

static const struct demo_category {
    const char *code, *name, *group, *description, *keywords, *department, *level;
    const char *sla[SLA__COUNT]; /* accept, dispatch, resolve, verify */
    struct demo_attr attrs[DEMO_ATTRS_MAX];
} demo_categories[] = {
    {"ebike",
     "电动车停放与充电",
     "小区治理",
     "电动自行车在楼道、门厅停放或飞线充电，存在火灾隐患",
     "电动车 电瓶车 楼道 充电 飞线 消防",
     "zfj",
     "community",
     {"4h", "1d", "3d", "1d"},
     {{"building", "string", "楼栋号", "如 12幢2单元", 1, NULL},
      {"stairwell_charging", "singlevaluelist", "是否在楼道充电", "", 1, "yes:是,no:否"},
      {"count", "number", "大约停放数量(辆)", "整数", 0, NULL}}},
    {"parking",
     "停车",
     "小区治理",
     "小区及周边乱停车、占用消防通道、僵尸车",
     "停车 车位 消防通道 僵尸车 占道",
     "gaj",
     "community",
     {"4h", "1d", "5d", "1d"},
     {{"kind", "singlevaluelist", "停车问题", "", 1,
       "fire_lane:占用消防通道,sidewalk:占用人行道,compound:小区内乱停,zombie:僵尸车"},
      {"plate", "string", "车牌号", "如 浙D12345", 0, NULL}}},
    {"property",
     "物业服务纠纷",
     "小区治理",
     "物业费、维修、服务质量、公共收益等物业服务纠纷",
     "物业 物业费 维修基金 业委会 公共收益",
     "zjj",
     "community",
     {"1d", "1d", "7d", "2d"},
     {{"company", "string", "物业公司", "", 0, NULL},
      {"issue", "singlevaluelist", "纠纷类型", "", 1,
       "fee:物业费,repair:维修,service:服务质量,public_income:公共收益"}}},
    {"sanitation",
     "环境卫生",
     "市容环境",
     "垃圾堆放、污水外溢、绿化破坏、蚊蝇鼠患",
     "垃圾 卫生 污水 绿化 垃圾分类",
     "zfj",
     "community",
     {"4h", "1d", "3d", "1d"},
     {{"kind", "multivaluelist", "问题类型", "可多选", 1,
       "garbage:垃圾堆放,sewage:污水外溢,greenbelt:绿化破坏,pests:蚊蝇鼠患"}}},
    {"illegal_build",
     "违章搭建",
     "市容环境",
     "屋顶、庭院、公共区域的违法建筑和违章搭建",
     "违建 违章 搭建 加层 彩钢棚",
     "zfj",
     "town",
     {"1d", "1d", "10d", "2d"},
     {{"location", "singlevaluelist", "搭建位置", "", 1,
       "roof:屋顶,yard:庭院,balcony:阳台,public:公共区域"},
      {"area", "number", "面积(平方米)", "估算即可", 0, NULL},
      {"found_at", "datetime", "发现时间", "如 2026-05-01T09:30:00+08:00", 0, NULL}}},
    {"noise",
     "噪声扰民",
     "市容环境",
     "施工、商铺经营、广场舞等噪声影响居民休息",
     "噪声 噪音 扰民 施工 广场舞",
     "gaj",
     "town",
     {"4h", "1d", "3d", "1d"},
     {{"source", "singlevaluelist", "噪声来源", "", 1,
       "construction:建筑施工,business:商铺经营,square_dance:广场舞,neighbor:住户,other:其他"},
      {"period", "singlevaluelist", "发生时段", "", 1, "day:白天,night:夜间(22时后)"}}},
    {"pole",
     "电线杆/管线移位",
     "公共设施",
     "电线杆、通信杆或管线占用车位、影响通行，需要迁移",
     "电线杆 电杆 管线 迁移 移位 车位",
     "gdj",
     "district",
     {"1d", "1d", "15d", "2d"},
     {{"pole_kind", "singlevaluelist", "杆线类型", "", 1,
       "power:电力杆,telecom:通信杆,streetlight:路灯杆,pipe:地下管线,other:其他"},
      {"pole_no", "string", "杆号", "杆身上的编号", 0, NULL},
      {"impact", "multivaluelist", "影响", "可多选", 0,
       "parking:占用车位,traffic:影响通行,safety:存在安全隐患"}}},
    {"streetlight",
     "路灯损坏",
     "公共设施",
     "路灯不亮、白天常亮、闪烁或灯杆损坏",
     "路灯 灯杆 照明 不亮",
     "zjj",
     "town",
     {"1d", "1d", "5d", "1d"},
     {{"light_no", "string", "路灯编号", "灯杆上的编号", 0, NULL},
      {"fault", "singlevaluelist", "故障情况", "", 1,
       "off:不亮,always_on:白天常亮,flicker:闪烁,damaged:灯杆损坏"}}},
    {"house_safety",
     "房屋安全隐患",
     "平安建设",
     "墙体开裂、房屋倾斜、外墙脱落等房屋安全隐患",
     "危房 开裂 倾斜 外墙 房屋安全",
     "zjj",
     "district",
     {"4h", "1d", "7d", "2d"},
     {{"building", "string", "楼栋号或门牌号", "", 1, NULL},
      {"hazard", "multivaluelist", "隐患类型", "可多选", 1,
       "crack:墙体开裂,tilt:房屋倾斜,leak:屋面渗漏,facade:外墙脱落"},
      {"occupied", "singlevaluelist", "是否有人居住", "", 1, "yes:是,no:否"}}},
    {"dispute",
     "邻里纠纷",
     "平安建设",
     "漏水、宅基地界址、宠物等邻里矛盾，由社区和网格调解",
     "纠纷 矛盾 调解 漏水 宅基地",
     NULL,
     "community",
     {"1d", "1d", "10d", "2d"},
     {{"kind", "singlevaluelist", "纠纷类型", "", 1,
       "leak:漏水,boundary:宅基地界址,noise:噪声,pets:宠物,other:其他"},
      {"households", "number", "涉及户数", "", 0, NULL}}},
    {"elderly",
     "居家养老服务",
     "民生服务",
     "独居、高龄老人的助餐、助浴、助医和探访需求",
     "养老 老人 助餐 独居 探访",
     "mzj",
     "community",
     {"1d", "1d", "10d", "2d"},
     {{"age", "number", "老人年龄", "周岁", 0, NULL},
      {"need", "multivaluelist", "服务需求", "可多选", 1,
       "meal:助餐,bath:助浴,medical:助医,visit:探访"}}},
    {"ent_customs",
     "企业诉求-通关",
     "企业诉求",
     "企业报关、查验、AEO 认证和税款等通关诉求",
     "海关 报关 通关 出口 进口 AEO",
     "hg",
     "district",
     {"1d", "1d", "5d", "2d"},
     {{"company_name", "string", "企业名称", "", 1, NULL},
      {"uscc", "string", "统一社会信用代码", "18位", 1, NULL},
      {"matter", "singlevaluelist", "事项", "", 1,
       "declare:报关,inspect:查验,credit:AEO认证,tax:税款,other:其他"}}},
    {"ent_labour",
     "企业诉求-用工",
     "企业诉求",
     "企业招工、技能培训、劳动争议和社保诉求",
     "招工 用工 缺工 培训 社保",
     "rsj",
     "district",
     {"1d", "1d", "10d", "2d"},
     {{"company_name", "string", "企业名称", "", 1, NULL},
      {"uscc", "string", "统一社会信用代码", "18位", 1, NULL},
      {"kind", "singlevaluelist", "诉求类型", "", 1,
       "recruit:招工,training:技能培训,dispute:劳动争议,insurance:社保"},
      {"shortfall", "number", "用工缺口(人)", "", 0, NULL}}},
    {"ent_land",
     "企业诉求-用地",
     "企业诉求",
     "企业新增用地、扩建、不动产登记和规划调整诉求",
     "用地 土地 扩建 厂房 规划 不动产",
     "zrj",
     "district",
     {"1d", "1d", "15d", "2d"},
     {{"company_name", "string", "企业名称", "", 1, NULL},
      {"uscc", "string", "统一社会信用代码", "18位", 1, NULL},
      {"matter", "singlevaluelist", "事项", "", 1,
       "new:新增用地,expand:扩建,certificate:不动产登记,planning:规划调整"},
      {"area_mu", "number", "用地面积(亩)", "", 0, NULL}}},
};

/* "yes:是,no:否" -> [{"key":"yes","name":"是"},{"key":"no","name":"否"}] */
static const char *values_text(struct arena *a, const char *spec)
{
    if (spec == NULL)
        return "[]";
    json_t *arr = json_array();
    const char *p = spec;
    while (*p) {
        const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
        const char *colon = memchr(p, ':', (size_t)(end - p));
        if (colon != NULL)
            json_array_append_new(arr, json_pack("{s:s%, s:s%}", "key", p, (size_t)(colon - p),
                                                 "name", colon + 1, (size_t)(end - colon - 1)));
        p = comma ? comma + 1 : end;
    }
    char *s = json_dumps(arr, JSON_COMPACT);
    json_decref(arr);
    const char *out = arena_strdup(a, s != NULL ? s : "[]");
    free(s);
    return out;
}

int catalog_demo_seed(struct db *db, struct err *e)
{
    struct arena a;
    int rc = ERR_OK;

    for (size_t i = 0; i < ARRAY_LEN(extra_departments); i++) {
        if ((rc = department_put(db, &extra_departments[i], e)) != ERR_OK)
            return rc;
    }
    arena_init(&a, 0);
    for (size_t i = 0; i < ARRAY_LEN(demo_categories) && rc == ERR_OK; i++) {
        const struct demo_category *d = &demo_categories[i];
        struct category_attr attrs[DEMO_ATTRS_MAX];
        struct category c = {.code = d->code,
                             .name = d->name,
                             .group = d->group,
                             .description = d->description,
                             .keywords = d->keywords,
                             .department = d->department,
                             .handling_level = d->level,
                             .active = 1,
                             .attrs = attrs};
        for (int s = 0; s < SLA__COUNT; s++)
            c.sla_text[s] = d->sla[s];
        for (int k = 0; k < DEMO_ATTRS_MAX && d->attrs[k].code != NULL; k++) {
            attrs[k] =
                (struct category_attr){.code = d->attrs[k].code,
                                       .datatype = d->attrs[k].datatype,
                                       .description = d->attrs[k].description,
                                       .datatype_description = d->attrs[k].datatype_description,
                                       .required = d->attrs[k].required,
                                       .ord = k + 1,
                                       .values_json = values_text(&a, d->attrs[k].values)};
            c.nattrs = k + 1;
        }
        rc = category_put(db, &c, e);
    }
    arena_free(&a);
    return rc;
}
