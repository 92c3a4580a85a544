package documents_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/documents"
	"baocao/internal/reports"
	"baocao/internal/vn"
)

// monthly returns the newest monthly report of the unit with key whose
// regime's name starts with regime.
func (f *fixture) monthly(tb testing.TB, unitKey, regime string) *reports.Report {
	tb.Helper()
	var id int64
	err := f.db.QueryRow(f.ctx, `
		SELECT r.id FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id
		JOIN units u ON u.id = r.unit_id
		WHERE u.key = $1 AND g.frequency = 'monthly' AND g.name LIKE $2 || '%' ORDER BY p.start_date DESC LIMIT 1`, unitKey, regime).Scan(&id)
	if err != nil {
		tb.Fatal(err)
	}
	return f.report(tb, id)
}

func (f *fixture) account(tb testing.TB, username string) *accounts.Account {
	tb.Helper()
	var id int64
	if err := f.db.QueryRow(f.ctx, `SELECT id FROM accounts WHERE username = $1`, username).Scan(&id); err != nil {
		tb.Fatal(err)
	}
	a, err := accounts.NewStore(f.db, nil).Account(f.ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

var columnGap = regexp.MustCompile(`\s{2,}`)

// columns reads the text of `pdftotext -layout` as lines of columns
// (text separated by two spaces or more), empty lines left out.
func columns(text string) [][]string {
	var out [][]string
	for _, ln := range strings.Split(text, "\n") {
		if ln = strings.TrimSpace(ln); ln != "" {
			out = append(out, columnGap.Split(ln, -1))
		}
	}
	return out
}

// TestDocumentFollowsND30 reads the rendered documents of a commune, a
// ward, a commune's vice-chair and a department as pdftotext -layout does:
// header lines, number, place and date, title and summary, signature block.
func TestDocumentFollowsND30(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	date := time.Date(2026, 1, 5, 9, 0, 0, 0, vn.Location)
	chair := f.account(t, "lanhdao.camlam")
	// xã Cam Lâm's leader, as its vice-chair, signs on the server today
	// (within the demo certificate's validity), then seals.
	today := time.Now().In(vn.Location)
	if _, err := f.db.Exec(f.ctx, `UPDATE accounts SET position = 'Phó Chủ tịch Ủy ban nhân dân xã' WHERE username = 'lanhdao.camlam'`); err != nil {
		t.Fatal(err)
	}
	deputy := f.account(t, "lanhdao.camlam")
	for _, c := range []struct {
		name           string
		unit, regime   string
		signer         *accounts.Account
		number         string // "" signs the document on the server, taking the unit's next number
		header, footer [][]string
	}{
		{"commune", "xa-22453", "Báo cáo tình hình kinh tế", chair, "05/BC-UBND",
			[][]string{
				{"ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
				{"XÃ CAM LÂM", "Độc lập - Tự do - Hạnh phúc"},
				{"Số: 05/BC-UBND", "Cam Lâm, ngày 05 tháng 01 năm 2026"},
			},
			[][]string{{"TM. ỦY BAN NHÂN DÂN"}, {"CHỦ TỊCH"}, {"Ngô Thị Thu Thủy"}}},
		{"ward", "xa-22366", "Báo cáo tình hình kinh tế", f.account(t, "lanhdao.nhatrang"), "12/BC-UBND",
			[][]string{
				{"ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
				{"PHƯỜNG NHA TRANG", "Độc lập - Tự do - Hạnh phúc"},
				{"Số: 12/BC-UBND", "Nha Trang, ngày 05 tháng 01 năm 2026"},
			},
			[][]string{{"TM. ỦY BAN NHÂN DÂN"}, {"CHỦ TỊCH"}, {"Lê Văn Dũng"}}},
		{"deputy", "xa-22453", "Báo cáo tình hình kinh tế", deputy, "",
			[][]string{
				{"ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
				{"XÃ CAM LÂM", "Độc lập - Tự do - Hạnh phúc"},
				{"Số: 01/BC-UBND", "Cam Lâm, " + day(today)},
			},
			[][]string{{"TM. ỦY BAN NHÂN DÂN"}, {"KT. CHỦ TỊCH"}, {"PHÓ CHỦ TỊCH"}, {"Ngô Thị Thu Thủy"}}},
		{"department", "so-y-te", "Báo cáo tình hình kinh tế", f.leader, "01/BC-SYT",
			[][]string{
				{"UBND TỈNH KHÁNH HÒA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"},
				{"SỞ Y TẾ", "Độc lập - Tự do - Hạnh phúc"},
				{"Số: 01/BC-SYT", "Khánh Hòa, ngày 05 tháng 01 năm 2026"},
			},
			[][]string{{"GIÁM ĐỐC"}, {"Nguyễn Văn Nghĩa"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := f.monthly(t, c.unit, c.regime)
			var data []byte
			if c.number != "" {
				var err error
				if data, _, err = f.store.Render(f.ctx, r, c.number, c.signer, date); err != nil {
					t.Fatal(err)
				}
			} else {
				if _, err := f.db.Exec(f.ctx, `UPDATE reports SET status = 'approved' WHERE id = $1`, r.ID); err != nil {
					t.Fatal(err)
				}
				r = f.report(t, r.ID)
				if err := f.store.SignOnServer(f.ctx, r, c.signer, documents.Personal); err != nil {
					t.Fatal(err)
				}
				r = f.report(t, r.ID)
				if err := f.store.SignOnServer(f.ctx, r, c.signer, documents.Organisation); err != nil {
					t.Fatal(err)
				}
				d, err := f.store.Current(f.ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				verifyElsewhere(t, d.PDF, 2)
				data = d.PDF
			}
			if dir := os.Getenv("SIGNING_SAMPLE_DIR"); dir != "" {
				_ = os.WriteFile(filepath.Join(dir, "nd30-"+c.name+".pdf"), data, 0o644)
			}
			text := pdftotext(t, data)
			rows := columns(text)
			want := append(c.header, []string{"BÁO CÁO"}, []string{"Tình hình kinh tế - xã hội tháng " + strings.TrimPrefix(r.PeriodLabel, "Tháng ")})
			if len(rows) < len(want) || fmt.Sprint(rows[:len(want)]) != fmt.Sprint(want) {
				t.Errorf("first lines %q, want %q", rows[:min(len(rows), len(want))], want)
			}
			// The signature block stands in the right half, from the line of "Nơi nhận:" on.
			at := strings.LastIndex(text, "Nơi nhận:")
			if at < 0 {
				t.Fatalf("no Nơi nhận:\n%s", text)
			}
			at = strings.LastIndex(text[:at], "\n") + 1
			var block [][]string
			for _, ln := range strings.Split(text[at:], "\n") {
				if rs := []rune(ln); len(rs) > 45 {
					if right := strings.TrimSpace(string(rs[45:])); right != "" {
						block = append(block, []string{right})
					}
				}
			}
			if fmt.Sprint(block) != fmt.Sprint(c.footer) {
				t.Errorf("signature block %q, want %q\n%s", block, c.footer, text[at:])
			}
		})
	}
}

// day writes the date as the date line does, per ND 30 (a leading zero for
// days below 10 and the months 1 and 2): "ngày 05 tháng 01 năm 2026".
func day(t time.Time) string {
	month := fmt.Sprint(int(t.Month()))
	if t.Month() <= 2 {
		month = "0" + month
	}
	return fmt.Sprintf("ngày %02d tháng %s năm %d", t.Day(), month, t.Year())
}
