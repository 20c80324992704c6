#!/usr/bin/env bash
# Prints the demo data set as admin-socket request lines, for
#   deploy/demo-data.sh | partsctl --socket var/partsd.sock
# Three locations (MAIN warehouse, BR1 branch, ROT rotation pool), 300 parts P-1001...P-1300
# (a third with Chinese descriptions), goods receipts so that stock exists, and a few issues and
# transfers so that ledgers have something to show, and a year of past demand (`history add`,
# dated back from today) so that `job run reorder` has something to propose. Deterministic: the
# same lines every time on the same day. Every line carries a ref=, so feeding it twice changes
# nothing the second time.
set -euo pipefail

# description|category|unit|cost in cents|lead days|supplier; Chinese ones use Chinese models.
catalog=(
    "前刹车片|brakes|SET|4850|5|BOSCH"
    "后刹车片|brakes|SET|3920|5|BOSCH"
    "前刹车盘|brakes|PCS|6200|7|BREMBO"
    "机油滤清器|filters|PCS|650|3|MANN"
    "空气滤芯|filters|PCS|890|3|MANN"
    "空调滤芯|filters|PCS|1150|3|MANN"
    "燃油滤清器|filters|PCS|1780|5|MANN"
    "火花塞|ignition|PCS|720|4|NGK"
    "点火线圈|ignition|PCS|5600|10|BOSCH"
    "雨刮片|wipers|PAIR|1990|3|VALEO"
    "正时皮带|engine|PCS|4300|10|GATES"
    "正时皮带套件|engine|KIT|16900|14|GATES"
    "水泵|cooling|PCS|8900|10|GATES"
    "节温器|cooling|PCS|2650|7|MAHLE"
    "发动机机油 5W-30|fluids|L|980|3|CASTROL"
    "刹车油 DOT4|fluids|L|1290|3|ATE"
    "蓄电池 60Ah|electrical|PCS|11900|7|VARTA"
    "减震器 前|suspension|PCS|9800|14|SACHS"
    "Front brake pads|brakes|SET|4650|5|ATE"
    "Rear brake shoes|brakes|SET|3480|7|ATE"
    "Brake disc, front|brakes|PCS|5900|7|ATE"
    "Oil filter|filters|PCS|590|3|MAHLE"
    "Air filter|filters|PCS|840|3|MAHLE"
    "Cabin filter, activated carbon|filters|PCS|1890|5|MAHLE"
    "Spark plug, iridium|ignition|PCS|1490|4|DENSO"
    "Wiper blade 600 mm|wipers|PCS|1290|3|BOSCH"
    "Wiper blade 450 mm|wipers|PCS|1090|3|BOSCH"
    "Timing belt|engine|PCS|3900|10|CONTI"
    "V-ribbed belt 6PK1200|engine|PCS|1690|7|CONTI"
    "Water pump with gasket|cooling|PCS|7900|10|SKF"
    "Coolant G13|fluids|L|650|3|VW"
    "Engine oil 0W-20|fluids|L|1150|3|MOBIL"
    "Alternator, exchange|electrical|PCS|24500|21|BOSCH"
    "Starter motor, exchange|electrical|PCS|19800|21|VALEO"
    "Headlamp bulb H7|electrical|PCS|690|3|OSRAM"
    "Wheel bearing kit, front|suspension|KIT|6400|10|SKF"
)
models_en=("Golf VII" "Passat B8" "Focus III" "Civic X" "Octavia III" "Astra K" "Corolla E210" "Mazda3 BP")
models_zh=("卡罗拉" "轩逸" "朗逸" "凯美瑞" "思域" "宝来" "速腾" "雅阁")

seed=20261122
next_random() {
    seed=$(((seed * 1103515245 + 12345) % 2147483648))
    random=$((seed / 65536))
}

money() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

echo "# partsd demo data (deploy/demo-data.sh)"
echo 'location add MAIN "Main warehouse 总仓" kind=warehouse ref=demo-loc-MAIN'
echo 'location add BR1 "Branch 1 一号门店" kind=branch ref=demo-loc-BR1'
echo 'location add ROT "Rotation pool 周转件" kind=rotation ref=demo-loc-ROT'

parts=300
declare -a part_cost part_unit
for ((i = 0; i < parts; i++)); do
    part_no="P-$((1001 + i))"
    IFS='|' read -r description category unit cents lead supplier <<<"${catalog[i % ${#catalog[@]}]}"
    round=$((i / ${#catalog[@]}))
    if [[ ${description:0:1} == [A-Za-z] ]]; then
        model=${models_en[round % ${#models_en[@]}]}
    else
        model=${models_zh[round % ${#models_zh[@]}]}
    fi
    next_random
    cents=$((cents + cents * (random % 21 - 10) / 100))
    part_cost[i]=$cents
    part_unit[i]=$unit
    pack=1
    [[ $unit == L ]] && pack=4
    [[ $category == ignition && $unit == PCS ]] && pack=4
    if [[ ${description:0:1} == [A-Za-z] ]]; then
        description="$description ($model)"
    else
        description="$description $model"
    fi
    printf 'part add %s "%s" unit=%s cost=%s category=%s pack=%s lead_days=%s supplier=%s ref=demo-part-%s\n' \
        "$part_no" "$description" "$unit" "$(money "$cents")" "$category" "$pack" "$lead" "$supplier" "$part_no"
done

# Goods receipts at MAIN: 12 parts a document, for 5 of every 6 parts.
quantity() { # a quantity for part index $1: litres with a fraction, pieces whole
    next_random
    if [[ ${part_unit[$1]} == L ]]; then
        printf '%d.5' $((20 + random % 180))
    else
        printf '%d' $((12 + random % 60))
    fi
}
doc=0
line_items=""
count=0
for ((i = 0; i < parts; i++)); do
    ((i % 6 == 5)) && continue
    next_random
    cost=$((part_cost[i] * (95 + random % 10) / 100))
    line_items+=" P-$((1001 + i)):$(quantity "$i")@$(money "$cost")"
    count=$((count + 1))
    if ((count == 12)); then
        doc=$((doc + 1))
        printf 'receive MAIN%s from=%s note="opening stock %d" ref=demo-gr-main-%03d\n' "$line_items" "DEMO-SUPPLY" "$doc" "$doc"
        line_items=""
        count=0
    fi
done
if ((count > 0)); then
    doc=$((doc + 1))
    printf 'receive MAIN%s from=DEMO-SUPPLY note="opening stock %d" ref=demo-gr-main-%03d\n' "$line_items" "$doc" "$doc"
fi

# The branch keeps the fast movers: the first 36 parts, in one receipt of 12 lines each.
for ((d = 0; d < 3; d++)); do
    line_items=""
    for ((k = 0; k < 12; k++)); do
        i=$((d * 12 + k))
        line_items+=" P-$((1001 + i)):$(quantity "$i")"
    done
    printf 'receive BR1%s from=DEMO-SUPPLY note="branch opening stock" ref=demo-gr-br1-%d\n' "$line_items" "$((d + 1))"
done

# Exchange units waiting in the rotation pool.
echo 'receive ROT P-1033:3 P-1034:2 P-1069:2 P-1070:1 note="exchange units from repairs" ref=demo-gr-rot-1'

# Some movement: issues to work orders, a replenishment transfer to the branch.
echo 'issue MAIN P-1001:2 P-1004:1 P-1008:4 to=WO-24017 note="Corolla 60k service" ref=demo-gi-1'
echo 'issue MAIN P-1019:1 P-1022:1 P-1023:1 P-1032:5.5 to=WO-24018 note="Golf VII service" ref=demo-gi-2'
echo 'issue BR1 P-1010:1 to=WO-24019 ref=demo-gi-3'
echo 'issue MAIN P-1001:1 P-1002:1 to=WO-24020 ref=demo-gi-4'
echo 'transfer MAIN BR1 P-1001:4 P-1004:6 P-1005:6 note="weekly replenishment" ref=demo-tr-1'

# A year of weekly demand brought from the "old system" for 60 parts at MAIN: the first dozen
# sell most weeks (smooth), the rest now and then (intermittent, lumpy), so a reorder run shows
# every demand class. Dated back from today; the ref carries today's date.
today=$(date -u +%F)
declare -a past
for ((day = 1; day <= 364; day++)); do past[day]=$(date -u -d "$today - $day days" +%F); done
for ((i = 0; i < 60; i++)); do
    entries=""
    for ((week = 1; week <= 52; week++)); do
        next_random
        if ((i < 12)); then
            ((random % 10 < 8)) || continue
            qty=$((2 + random % 5))
        else
            ((random % (2 + i % 7) == 0)) || continue
            qty=$((1 + random % (1 + i % 9)))
        fi
        entries+=" ${past[week * 7 - random % 7]}:$qty"
    done
    [[ -n $entries ]] && printf 'history add MAIN P-%d%s ref=demo-hist-%d-%s\n' "$((1001 + i))" "$entries" "$((1001 + i))" "$today"
done

# A headlamp of the previous model: asked for every other week until 44 weeks ago, then
# never, with 6 still on the shelf. Its demand is decaying and TSB's probability has fallen
# below obsolete_probability, so the reorder run orders none and `report obsolete` lists the
# 516.00 of stock for return to the supplier or write-down.
echo 'part add P-7001 "Headlamp, previous model 前大灯(旧款)" cost=86.00 category=body lead_days=21 ref=demo-part-P-7001'
echo 'receive MAIN P-7001:6@86.00 note="last lot of the old model" ref=demo-gr-obsolete'
entries=""
for ((week = 44; week <= 52; week += 2)); do entries+=" ${past[week * 7]}:1"; done
printf 'history add MAIN P-7001%s ref=demo-hist-7001-%s\n' "$entries" "$today"


# Warranty old parts (三包旧件返厂): two makers and their rules, claims in every state (shipped
# and decided, called and packed, waiting for a call-back, due, destroyed after retention), an
# approved and shipped return batch and an open one. Dates are local (the daemon's default
# site time zone) and counted back from today; claim numbers carry today's date. The batch and
# tag numbers are those a fresh database gives, as deploy/setup.sh loads it.
local_today=$(date +%F)
year=${local_today:0:4}
stamp=$(date +%y%m%d)
ago() { date -d "$local_today - $1 days" +%F; }
tag() { printf 'TG-%s-%06d' "$year" "$1"; }
batch() { printf 'RB-%s-%06d' "$year" "$1"; }
echo 'oem add SAIC "SAIC Motor 上汽" ship_days=21 earliest_days=5 ref=demo-oem-SAIC'
echo 'oem add FAW "FAW 一汽" return=all cycle=weekly ship_days=30 ref=demo-oem-FAW'
echo 'part set P-1009 warranty_return=yes ref=demo-warranty-return-P-1009'
printf 'claim new SAIC W%s-01 P-1001:2@48.50 P-1009#IC778812@56.00 vin=LSVAU2180N2183456 failure=F-0231 claimed=%s repaired=%s mileage=23410 wo=WO-24017 technician=Wang note="pads worn through at 23k km" ref=demo-claim-1-%s\n' \
    "$stamp" "$(ago 20)" "$(ago 21)" "$local_today"
printf 'claim call W%s-01 called=%s ref=demo-call-1-%s\n' "$stamp" "$(ago 18)" "$local_today"
printf 'batch new SAIC W%s-01 mode=truck ref=demo-batch-1-%s\n' "$stamp" "$local_today"
printf 'batch box %s W%s-01 box=1 ref=demo-box-1-%s\n' "$(batch 1)" "$stamp" "$local_today"
printf 'batch approve %s ref=demo-approve-1-%s\n' "$(batch 1)" "$local_today"
printf 'batch ship %s carrier=SF tracking=SF1234567890 ref=demo-ship-1-%s\n' "$(batch 1)" "$local_today"
printf 'batch receive %s ref=demo-receive-1-%s\n' "$(batch 1)" "$local_today"
printf 'verdict %s accepted ref=demo-verdict-1-%s\n' "$(tag 1)" "$local_today"
printf 'verdict %s rejected reason=no_fault_found ref=demo-verdict-2-%s\n' "$(tag 2)" "$local_today"
printf 'verdict %s accepted credit=50.00 ref=demo-verdict-3-%s\n' "$(tag 3)" "$local_today"
printf 'claim new SAIC W%s-02 P-1004:1@6.50 vin=LFV3A23C7H3012345 failure=F-1107 claimed=%s mileage=8800 wo=WO-24031 ref=demo-claim-2-%s\n' \
    "$stamp" "$(ago 10)" "$local_today"
printf 'claim call W%s-02 called=%s ref=demo-call-2-%s\n' "$stamp" "$(ago 9)" "$local_today"
printf 'batch new SAIC W%s-02 ref=demo-batch-2-%s\n' "$stamp" "$local_today"
printf 'claim new SAIC W%s-03 P-1003:1@62.00 vin=LSVAU2180N2199999 failure=F-0412 claimed=%s mileage=41200 ref=demo-claim-3-%s\n' \
    "$stamp" "$(ago 3)" "$local_today"
printf 'claim new FAW W%s-04 P-1010:1@19.90 vin=LFV2A21K6D3123456 failure=W-77 claimed=%s mileage=15020 ref=demo-claim-4-%s\n' \
    "$stamp" "$(ago 5)" "$local_today"
printf 'claim new SAIC W%s-05 P-1008:4@7.20 vin=LSVAU2180N2100001 failure=F-0099 claimed=%s ref=demo-claim-5-%s\n' \
    "$stamp" "$(ago 120)" "$local_today"
printf 'oldparts scrap oem=SAIC --expired ref=demo-scrap-%s\n' "$local_today"
# Repairable units: two serialised exchange parts, their units at MAIN and in the rotation pool
# ROT, repair orders at the repair vendors in several states, exchanges open, closed and due
# today. Document numbers are this year's, counted from a fresh database.
year=$(date -u +%Y)
echo 'supplier add BOSCH-SVC "Bosch service centre 博世服务中心" lead_days=14 ref=demo-sup-bosch-svc'
echo 'supplier add VALEO-SVC "Valeo repair" lead_days=10 ref=demo-sup-valeo-svc'
echo 'part add ALT-9001 "Alternator 140A, exchange 发电机(周转件)" cost=245.00 category=electrical supplier=BOSCH serialized=yes ref=demo-part-ALT-9001'
echo 'part add STA-9002 "Starter motor, exchange 起动机(周转件)" cost=198.00 category=electrical supplier=VALEO serialized=yes ref=demo-part-STA-9002'
echo 'receive MAIN ALT-9001#AL24001@228.00 ALT-9001#AL24002@228.00 ALT-9001#AL24003@231.50 ALT-9001#AL24004@231.50 ALT-9001#AL24005@235.00 ALT-9001#AL24006@235.00 STA-9002#ST24001@182.00 STA-9002#ST24002@182.00 STA-9002#ST24003@185.00 from=BOSCH note="exchange units" ref=demo-gr-units'
echo 'transfer MAIN ROT ALT-9001#AL24001 ALT-9001#AL24002 ALT-9001#AL24003 STA-9002#ST24001 STA-9002#ST24002 note="into the pool" ref=demo-tr-pool'
echo 'pool set ROT ALT-9001 target=3 ref=demo-pool-alt'
echo 'pool set ROT STA-9002 target=2 ref=demo-pool-sta'
# RO 1 shipped; 2 acknowledged and quoted; 3 quoted beyond economic repair and on hold; 4 back repaired.
echo 'repair new MAIN ALT-9001#AL24004 vendor=BOSCH-SVC fault="no charge at idle 不充电" ref=demo-ro-1'
echo 'repair new MAIN ALT-9001#AL24005 vendor=BOSCH-SVC fault="bearing noise 轴承异响" ref=demo-ro-2'
echo "repair ack RO-$year-000002 rma=BX-5521 ref=demo-ro-2-ack"
echo "repair quote RO-$year-000002 amount=120.00 ref=demo-ro-2-quote"
echo 'repair new MAIN STA-9002#ST24003 vendor=VALEO-SVC fault="solenoid sticks" ref=demo-ro-3'
echo "repair ack RO-$year-000003 ref=demo-ro-3-ack"
echo "repair quote RO-$year-000003 amount=180.00 ref=demo-ro-3-quote"
echo "repair hold RO-$year-000003 reason=\"customer to approve the price\" ref=demo-ro-3-hold"
echo 'repair new MAIN ALT-9001#AL24006 vendor=BOSCH-SVC fault="regulator 调节器故障" ref=demo-ro-4'
echo "repair ack RO-$year-000004 rma=BX-5530 ref=demo-ro-4-ack"
echo "repair quote RO-$year-000004 amount=95.00 ref=demo-ro-4-quote"
echo "repair authorize RO-$year-000004 ref=demo-ro-4-auth"
echo "repair return RO-$year-000004 outcome=repaired cost=95.00 ref=demo-ro-4-back"
# Exchanges: one open with a deposit, one whose core came back and went to repair, one due today.
echo 'exchange out ROT ALT-9001#AL24001 customer="Wang Lei 王磊" core=C-ALT-771 deposit=50.00 ref=demo-xc-1'
echo 'exchange out ROT STA-9002#ST24001 customer="Li Na" core=C-STA-12 ref=demo-xc-2'
echo "exchange core XC-$year-000002 serial=C-STA-12 grade=full ref=demo-xc-2-core"
echo 'repair new ROT STA-9002#C-STA-12 vendor=VALEO-SVC fault="core: does not crank" origin=exchange ref=demo-ro-5'
echo "exchange out ROT ALT-9001#AL24002 customer=\"Zhao Min\" due=$today ref=demo-xc-3"
