package seed

import (
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"time"

	"baocao/internal/database"
	"baocao/internal/holidays"
	"baocao/internal/periods"
	"baocao/internal/regimes"
	"baocao/internal/reports"
	"baocao/internal/vn"
)

// DemoHistory gives the two-level health regime its past: every month
// since the communes were formed (1/7/2025), at most 24, with accepted
// reports and deterministic, plausible figures. A few reports were late,
// a few were returned once and corrected, two communes have not sent the
// last month yet, and the system was down on the deadline of one month
// (some communes sent by E-Office, others after it within the grace
// period). Sở Y tế's own reports carry the sum of its communes'. It does
// nothing when the regime has a past already.
func DemoHistory(ctx context.Context, db *database.DB, now time.Time) (int, error) {
	regime, err := regimeByName(ctx, db, HealthRegime)
	if err != nil {
		return 0, err
	}
	store := reports.NewStore(db)
	store.Now = func() time.Time { return now }
	today := vn.Today(now)
	current := periods.Containing(periods.Monthly, false, today)
	// The old communes of demoReorganised report from Tháng 1/2025 until
	// the reorganisation; the new communes from Tháng 7/2025.
	since := periods.Date(2025, 1, 1)
	if first := current.Start.AddDate(-2, 0, 0); first.After(since) {
		since = first
	}
	// The outage: on the communes' deadline three months ago.
	cal, err := holidays.Calendar(ctx, db)
	if err != nil {
		return 0, err
	}
	down := current.Prev().Prev().Prev()
	downDeadline := periods.Rule{WorkingDays: 2}.Deadline(down, cal)
	var existing int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM periods WHERE regime_id = $1 AND end_date < $2`, regime, current.Start).Scan(&existing); err != nil {
		return 0, err
	}
	if existing > 0 {
		return 0, nil
	}
	start := vn.Day(downDeadline).Add(7*time.Hour + 30*time.Minute)
	if err := store.RecordOutage(ctx, reports.Outage{Start: start, End: start.Add(8 * time.Hour), GraceUntil: vn.Day(downDeadline).AddDate(0, 0, 3).Add(17 * time.Hour),
		Description: "Mất kết nối đường truyền tại Trung tâm dữ liệu tỉnh do sự cố cáp quang; các đơn vị gửi báo cáo qua Hệ thống quản lý văn bản (E-Office)."}, 0); err != nil {
		return 0, fmt.Errorf("demo outage: %w", err)
	}

	h := newHealthStory(current, down)
	if h.predecessors, err = demoReorganisation(ctx, db, regime); err != nil {
		return 0, err
	}
	return store.WritePast(ctx, regime, since, h.tell)
}

func regimeByName(ctx context.Context, db *database.DB, name string) (int64, error) {
	list, err := regimes.NewStore(db).Regimes(ctx, regimes.Filter{IncludeRetired: true})
	if err != nil {
		return 0, err
	}
	for _, r := range list {
		if r.Name == name {
			return r.ID, nil
		}
	}
	return 0, fmt.Errorf("no regime %q", name)
}

// healthStory invents each past report of the health regime, keeping the
// year-to-date figures of every unit and the communes' sums for Sở Y tế.
type healthStory struct {
	current, down periods.Period // this month, and the month of the outage
	// unit → row → year to date, by the period's year
	ytd map[int64]map[string]map[int]int64
	// sums of the communes' months for their receiver, this period
	sums       map[int64]map[string]int64
	sumsPeriod string
	// unit → row → period key → year to date, and each new commune's old
	// communes, so that a new commune's year carries its old communes'
	// months and its "cùng kỳ" is theirs.
	ytdAt        map[int64]map[string]map[string]int64
	predecessors map[int64][]demoPredecessor
}

// predecessorsYTD is the share of the old communes' year to date of row
// in the period key that went into the new commune unit (ok false when
// none of them reported it).
func (h *healthStory) predecessorsYTD(unit int64, row, key string) (int64, bool) {
	var sum int64
	found := false
	for _, p := range h.predecessors[unit] {
		if v, ok := h.ytdAt[p.unitID][row][key]; ok {
			sum += v * p.percent / 100
			found = true
		}
	}
	return sum, found
}

func newHealthStory(current, down periods.Period) *healthStory {
	return &healthStory{current: current, down: down, ytd: map[int64]map[string]map[int]int64{}, ytdAt: map[int64]map[string]map[string]int64{}}
}

// noise is a deterministic number in [0, n) for the given words.
func noise(n int, words ...string) int {
	h := fnv.New32a()
	for _, w := range words {
		h.Write([]byte(w))
		h.Write([]byte{0})
	}
	return int(h.Sum32() % uint32(n))
}

var demoReturnReasons = []string{
	"Số lượt khám có bảo hiểm y tế chưa khớp với số liệu giám định của Bảo hiểm xã hội; đề nghị rà soát lại dòng 1.",
	"Số trẻ tiêm chủng đầy đủ thấp bất thường so với các tháng trước; đề nghị kiểm tra và giải trình.",
	"Thiếu nội dung mục II (khó khăn, vướng mắc); đề nghị bổ sung trước khi gửi lại.",
}

var demoClerks = []string{"Nguyễn Thị Lan", "Trần Văn Hải", "Lê Thị Ngọc Ánh", "Phạm Minh Đức", "Võ Thị Hạnh", "Đỗ Quang Vinh"}
var demoLeaders = []string{"Nguyễn Văn Thành", "Hồ Thị Bích", "Trương Công Danh", "Lê Hữu Phước"}

func (h *healthStory) tell(r reports.PastReport) reports.PastOutcome {
	key := r.Period.Key()
	if h.sumsPeriod != key {
		h.sums, h.sumsPeriod = map[int64]map[string]int64{}, key
	}
	last := r.Period.Next().Key() == h.current.Key() // the last past month
	o := reports.PastOutcome{
		Clerk: demoClerks[noise(len(demoClerks), r.UnitKey)], Leader: demoLeaders[noise(len(demoLeaders), r.UnitKey, "lead")],
		Sender: "Văn thư " + r.UnitKey, Receiver: "Huỳnh Văn Lợi",
	}
	switch r.UnitKey {
	case DemoCommune:
		o.Clerk, o.Leader, o.Sender = "Nguyễn Thị Hương", "Lê Văn Dũng", "Phan Thị Nga"
	case DemoCommune2:
		o.Clerk, o.Leader, o.Sender = "Hồ Văn Sơn", "Ngô Thị Thu Thủy", "Ngô Thị Thu Thủy"
	case DemoDepartment:
		o.Clerk, o.Leader, o.Sender, o.Receiver = "Huỳnh Văn Lợi", "Nguyễn Văn Nghĩa", "Bùi Thị Kim Liên", "Đoàn Minh Khoa"
	}
	demo := r.UnitKey == DemoCommune || r.UnitKey == DemoCommune2 || r.UnitKey == DemoDepartment
	// Two communes have not sent the last month: late now.
	if last && !demo && noise(30, r.UnitKey, "missing") == 0 {
		return reports.PastOutcome{}
	}

	// The month's figures: a commune's size, the season, a little noise.
	size := 40 + noise(120, r.UnitKey, "size") // percent of the typical commune
	month := int(r.Period.End.Month())
	year := r.Period.End.Year()
	months := map[string]int64{}
	for _, row := range healthRows {
		var v int64
		if r.Level > 1 {
			v = h.sums[r.UnitID][row.key]
		} else {
			season := 100
			switch row.key {
			case "r5": // dengue peaks in the rainy season
				season = []int{40, 20, 15, 15, 25, 60, 120, 180, 220, 240, 200, 110}[month-1]
			case "r6":
				season = []int{60, 50, 80, 120, 140, 110, 90, 100, 130, 120, 90, 70}[month-1]
			case "r7": // electronic health records grow over the months
				season = 60 + 8*(int(r.Period.End.Sub(periods.Date(2025, 7, 1)).Hours()/24/30))
			}
			base := int64(row.typical * size * season / 10000)
			v = base + int64(noise(int(base/5)+2, r.UnitKey, key, row.key)) - base/10
			if v < 0 {
				v = 0
			}
			switch row.key {
			case "r2":
				v = months["r1"] * int64(72+noise(14, r.UnitKey, key, "bhyt")) / 100
			case "r9":
				v = min(v, months["r8"])
			}
		}
		months[row.key] = v
	}
	unitYTD := h.ytd[r.UnitID]
	if unitYTD == nil {
		unitYTD = map[string]map[int]int64{}
		h.ytd[r.UnitID] = unitYTD
	}
	receiver := h.sums[r.ReceiverID]
	if receiver == nil {
		receiver = map[string]int64{}
		h.sums[r.ReceiverID] = receiver
	}
	for _, row := range healthRows {
		if unitYTD[row.key] == nil {
			unitYTD[row.key] = map[int]int64{}
		}
		ytd, ok := unitYTD[row.key][year]
		switch {
		case r.Level > 1:
			ytd = h.sums[r.UnitID]["ytd "+row.key]
		case !ok && month > 1:
			// The first months of 2025 were reported by the communes
			// before the reorganisation: the new commune carries them,
			// the old communes' own figures where the demo has them.
			if carried, found := h.predecessorsYTD(r.UnitID, row.key, r.Period.Prev().Key()); found {
				ytd = carried + months[row.key]
			} else {
				ytd = months[row.key]*int64(month-1)*int64(92+noise(10, r.UnitKey, row.key, "carried"))/100 + months[row.key]
			}
		default:
			ytd += months[row.key]
		}
		unitYTD[row.key][year] = ytd
		if h.ytdAt[r.UnitID] == nil {
			h.ytdAt[r.UnitID] = map[string]map[string]int64{}
		}
		if h.ytdAt[r.UnitID][row.key] == nil {
			h.ytdAt[r.UnitID][row.key] = map[string]int64{}
		}
		h.ytdAt[r.UnitID][row.key][key] = ytd
		receiver[row.key] += months[row.key]
		receiver["ytd "+row.key] += ytd
		o.Values = append(o.Values, reports.PastValue{Form: "b1", Row: row.key, Col: "1", Num: strconv.FormatInt(months[row.key], 10)},
			reports.PastValue{Form: "b1", Row: row.key, Col: "2", Num: strconv.FormatInt(ytd, 10), Computed: true})
		// The same month a year before: the unit's own, else its old
		// communes' (re-based by their shares), else the year's total.
		lastKey := r.Period.SamePeriodLastYear().Key()
		lastYear, ok := h.ytdAt[r.UnitID][row.key][lastKey]
		if !ok {
			lastYear, ok = h.predecessorsYTD(r.UnitID, row.key, lastKey)
		}
		if !ok {
			lastYear, ok = unitYTD[row.key][year-1]
		}
		if !ok {
			continue
		}
		pct := "0"
		if lastYear != 0 {
			pct = decimalTenths(ytd * 1000 / lastYear)
		}
		o.Values = append(o.Values, reports.PastValue{Form: "b1", Row: row.key, Col: "3", Num: strconv.FormatInt(lastYear, 10), Computed: true},
			reports.PastValue{Form: "b1", Row: row.key, Col: "4", Num: pct, Computed: true})
	}

	// When it left: most a day or two before the deadline, some after it.
	deadline := vn.Day(r.Deadline)
	day := deadline.AddDate(0, 0, -noise(3, r.UnitKey, key, "day"))
	hour := time.Duration(8+noise(9, r.UnitKey, key, "hour")) * time.Hour
	if !demo && noise(12, r.UnitKey, key, "late") == 0 {
		day = deadline.AddDate(0, 0, 1+noise(3, r.UnitKey, key, "late days"))
	}
	if r.Period.Key() == h.down.Key() && r.Level == 1 {
		// The system was down on the deadline: some sent by E-Office that
		// day, the others within the grace period.
		if noise(3, r.UnitKey, "eoffice") == 0 {
			day = deadline
			o.EOffice = strconv.Itoa(100+noise(800, r.UnitKey, "so")) + "/UBND-VP"
		} else if day.Equal(deadline) || day.After(deadline) {
			day = deadline.AddDate(0, 0, 1)
		}
	}
	o.SentAt = day.Add(hour)
	if !demo && noise(15, r.UnitKey, key, "return") == 0 {
		o.Returned = demoReturnReasons[noise(len(demoReturnReasons), r.UnitKey, key)]
	}
	return o
}

// decimalTenths writes tenths as a decimal literal: 1234 → "123.4".
func decimalTenths(n int64) string {
	s := strconv.FormatInt(n/10, 10) + "." + strconv.FormatInt(n%10, 10)
	return s
}
