package web

import (
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"baocao/internal/accounts"
	"baocao/internal/documents"
	"baocao/internal/signing"
)

// TestBrowserLetterheadAndVerification: Sở Y tế's unit admin sees the
// unit's header lines, seal image and leaders' signing capacities; the
// leader sees their signature image; the signed report's verification
// report reads as it prints.
func TestBrowserLetterheadAndVerification(t *testing.T) {
	h := newHarness(t)
	h.account("qt.syte", "so-y-te", accounts.UnitAdmin)
	leader := h.account("lanhdao.syte", "so-y-te", accounts.User, accounts.Approve)
	clerk := h.account("vanthu.syte", "so-y-te", accounts.User, accounts.Send)
	h.certifyLongTerm([]*accounts.Account{leader}, "so-y-te")
	syte := h.unit("so-y-te")
	docs := h.s.documents
	if err := docs.SetSignatureImage(h.ctx, leader, signing.DemoSignature()); err != nil {
		t.Fatal(err)
	}
	if err := docs.SetSealImage(h.ctx, syte, signing.DemoSeal(syte.Name)); err != nil {
		t.Fatal(err)
	}
	if err := docs.SetCapacity(h.ctx, leader, documents.CapacityDeputy); err != nil {
		t.Fatal(err)
	}
	id := h.report("so-y-te", "vp-ubnd")
	if _, err := h.db.Exec(h.ctx, `UPDATE reports SET status = 'approved' WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	rep, err := h.s.reports.Report(h.ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if err := docs.SignOnServer(h.ctx, rep, leader, documents.Personal); err != nil {
		t.Fatal(err)
	}
	if rep, err = h.s.reports.Report(h.ctx, id); err != nil {
		t.Fatal(err)
	}
	if err := docs.SignOnServer(h.ctx, rep, clerk, documents.Organisation); err != nil {
		t.Fatal(err)
	}

	base := h.browser(t).base
	ctx := startBrowser(t)
	shots := newScreenshots(t)
	var letterhead, signature, verification string
	run(t, ctx,
		chromedp.EmulateViewport(1366, 900),
		signInWithCode(base, "qt.syte", t),
		chromedp.Navigate(base+"/admin/units/"+strconv.FormatInt(syte.ID, 10)+"/letterhead"),
		chromedp.WaitVisible(chromedp.ID("leaders")),
		into(&letterhead, chromedp.Text(chromedp.CSS("main"))),
		shots.take("letterhead"),
		seen(t, "letterhead (unit admin)"),
		chromedp.EmulateViewport(390, 844),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("leaders")),
		seen(t, "letterhead (phone)"),
		signOutActions(),
		chromedp.EmulateViewport(1366, 900),
		signInActions(base, "lanhdao.syte", testPassword),
		chromedp.WaitVisible(chromedp.CSS(`.site-header__account`)),
		chromedp.Navigate(base+"/account/signature"),
		chromedp.WaitVisible(chromedp.CSS(`img.stamp-preview`)),
		into(&signature, chromedp.Text(chromedp.CSS("main"))),
		shots.take("signature-image"),
		seen(t, "signature image (leader)"),
		chromedp.Navigate(base+reportPath(id)+"/verification"),
		chromedp.WaitVisible(chromedp.ID("verification")),
		into(&verification, chromedp.Text(chromedp.CSS("main"))),
		shots.take("verification"),
		seen(t, "verification report"),
	)
	for _, want := range []string{"KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Ảnh con dấu", "UBND TỈNH KHÁNH HÒA"} {
		if !strings.Contains(letterhead, want) {
			t.Errorf("letterhead page lacks %q", want)
		}
	}
	if !strings.Contains(signature, "KT. GIÁM ĐỐC") || !strings.Contains(signature, "KT. – cấp phó ký thay cấp trưởng") {
		t.Errorf("signature page: %s", signature)
	}
	for _, want := range []string{"Tất cả chữ ký số hợp lệ", "Chữ ký số thứ 2", "PAdES B-LT", "Dấu thời gian RFC 3161 của TSA kiểm thử", "Dữ liệu xác thực dài hạn"} {
		if !strings.Contains(verification, want) {
			t.Errorf("verification report lacks %q", want)
		}
	}
}
