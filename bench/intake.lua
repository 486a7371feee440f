-- bench/intake.lua - wrk script for bench/intake.sh: every request is a public e-bike report
-- (POST /api/v1/cases, JSON) from a resident of 博文社区第一网格, with a different description,
-- building and answers each time, as residents write them.
--
-- Environment (read once per wrk thread):
--   INTAKE_PLACE  the grid reported from (default 330604002007001)
-- At the end it prints "lua: status 201=N other=M" summed over wrk's threads, so the script
-- can compare wrk's count of answered requests with the rows in the database.

local place = os.getenv("INTAKE_PLACE") or "330604002007001"

local compounds = { "春江花城", "博文苑", "江扬花园", "曹娥新村", "舜江名邸", "锦绣江南",
    "凤鸣苑", "华府小区", "金色家园", "滨江一品" }
local whos = { "有住户", "楼上邻居", "几户人家", "外卖小哥", "租户", "有人", "一楼商户",
    "快递员", "几个年轻人", "对门住户" }
local wheres = { "楼道里", "一楼楼梯间", "消防通道上", "电梯前室", "楼梯拐角", "地下室入口",
    "单元门口", "安全出口旁" }
local whats = { "给电动车充电", "拉飞线给电瓶车充电", "停放好几辆电动车", "把电瓶拿回家充电",
    "堆放电动车和电瓶", "用插线板给电动车充电" }
local whens = { "每天晚上", "经常半夜", "已经一个多月", "周末都", "这几天", "从去年开始一直" }
local worries = { "存在很大的火灾隐患", "堵塞了消防通道", "老人小孩进出很不方便",
    "闻到过焦糊味，很担心", "物业劝说过但没有用", "之前已经反映过一次", "晚上有时候还冒火花" }
local asks = { "请尽快处理。", "希望社区上门劝导。", "请物业和社区一起来看看。",
    "希望能增设集中充电桩。", "请安排人员现场核实。", "谢谢！" }
local names = { "张先生", "李女士", "王阿姨", "陈师傅", "刘女士", "赵先生", "周大伯", "吴女士" }

local function pick(t)
    return t[math.random(#t)]
end

local threads = {}
local counter = 0

function setup(thread)
    thread:set("tid", #threads + 1)
    table.insert(threads, thread)
end

function init(args)
    math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
    created = 0
    other = 0
end

function request()
    counter = counter + 1
    local compound = pick(compounds)
    local bldg = string.format("%d幢%d单元", math.random(1, 36), math.random(1, 4))
    local charging = math.random() < 0.7 and "yes" or "no"
    local desc = string.format("%s%s%s%s%s，%s，%s（第%d次提交）", compound, bldg, pick(wheres),
        pick(whens), pick(whos) .. pick(whats), pick(worries), pick(asks), counter)
    local body = string.format(
        '{"category":"ebike","description":"%s","place":"%s","address":"%s%s",'
            .. '"attributes":{"building":"%s","stairwell_charging":"%s","count":%d},'
            .. '"name":"%s","phone":"13%09d"}',
        desc, place, compound, bldg, bldg, charging, math.random(1, 12), pick(names),
        math.random(0, 999999999))
    return wrk.format("POST", "/api/v1/cases", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
    if status == 201 then
        created = created + 1
    else
        other = other + 1
        if other <= 3 then
            io.stderr:write(string.format("intake.lua: status %d: %s\n", status, body))
        end
    end
end

function done(summary, latency, requests)
    local c, o = 0, 0
    for _, t in ipairs(threads) do
        c = c + (t:get("created") or 0)
        o = o + (t:get("other") or 0)
    end
    io.write(string.format("lua: status 201=%d other=%d\n", c, o))
end
