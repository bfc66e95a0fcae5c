package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/store"
	"github.com/interpost/interpost/tracking"
)

// testBuyerNotify: buyer subscriptions, the projector's mails for the
// merchant's chosen statuses, the outbox's claim and retry, unsubscribe and
// erasure.
func testBuyerNotify(t *testing.T, s store.Store) {
	ctx := context.Background()
	trkOffices(t, s)
	merchant(t, s, "ACME")
	sh, _, err := s.CreateShipment(ctx, newShipment("ACME", "ORDER-1", t0))
	if err != nil {
		t.Fatal(err)
	}
	id := string(sh.ID)
	now := t0.Add(72 * time.Hour)
	svc := &tracking.Service{Store: s, Buyers: s, Offices: s, Now: func() time.Time { return now }}
	if err := svc.Record(ctx, trkEvent(id, tracking.EMA, "CNXMNA", time.Date(2026, 11, 20, 9, 0, 0, 0, trkCST))); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	sub, err := svc.SubscribeBuyer(ctx, id, "Buyer@Example.COM", "zh-CN")
	if err != nil || sub.Email != "Buyer@example.com" || sub.Token == "" {
		t.Fatalf("SubscribeBuyer = %+v, %v", sub, err)
	}
	again, err := svc.SubscribeBuyer(ctx, id, "Buyer@example.com", "en")
	if err != nil || again.ID != sub.ID {
		t.Fatalf("second SubscribeBuyer = %+v, %v; want the first subscription", again, err)
	}
	if _, err := svc.SubscribeBuyer(ctx, id, "not-an-address", "en"); code(err) != postal.CodeInvalid {
		t.Errorf("SubscribeBuyer(bad address) = %v", err)
	}
	// Departed is not in the default set; out for delivery is; a merchant's
	// own choice replaces the default.
	if sts, ok, err := s.BuyerStatuses(ctx, "ACME"); err != nil || ok || sts != nil {
		t.Errorf("BuyerStatuses before a choice = %v, %v, %v", sts, ok, err)
	}
	record := func(c tracking.Code, office string, at time.Time) {
		t.Helper()
		if err := svc.Record(ctx, trkEvent(id, c, office, at)); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CatchUp(ctx); err != nil {
			t.Fatal(err)
		}
	}
	record(tracking.EMC, "CNXMNA", time.Date(2026, 11, 21, 18, 0, 0, 0, trkCST))
	record(tracking.EDG, "PLWAWA", time.Date(2026, 11, 25, 8, 0, 0, 0, trkCET))
	ms, err := s.BuyerMails(ctx, id)
	if err != nil || len(ms) != 1 || ms[0].Status != tracking.StatusOutForDelivery || ms[0].State != tracking.DeliveryPending {
		t.Fatalf("mails = %+v, %v; want one for out_for_delivery", ms, err)
	}
	if err := s.PutBuyerStatuses(ctx, "ACME", []tracking.Status{tracking.StatusDeliveryAttempted}, now); err != nil {
		t.Fatal(err)
	}
	if sts, ok, err := s.BuyerStatuses(ctx, "ACME"); err != nil || !ok || len(sts) != 1 || sts[0] != tracking.StatusDeliveryAttempted {
		t.Errorf("BuyerStatuses = %v, %v, %v", sts, ok, err)
	}
	record(tracking.EMH, "PLWAWA", time.Date(2026, 11, 25, 12, 0, 0, 0, trkCET))
	record(tracking.EMI, "PLWAWA", time.Date(2026, 11, 26, 12, 0, 0, 0, trkCET)) // delivered: not chosen any more
	if ms, _ = s.BuyerMails(ctx, id); len(ms) != 2 || ms[1].Status != tracking.StatusDeliveryAttempted {
		t.Fatalf("mails = %+v; want out_for_delivery, delivery_attempted", ms)
	}
	got, err := s.ClaimBuyerMails(ctx, now, time.Minute, 10)
	if err != nil || len(got) != 2 || got[0].Email != "Buyer@example.com" || got[0].Lang != "zh-CN" || got[0].Token != sub.Token {
		t.Fatalf("ClaimBuyerMails = %+v, %v", got, err)
	}
	if again, err := s.ClaimBuyerMails(ctx, now, time.Minute, 10); err != nil || len(again) != 0 {
		t.Fatalf("claimed twice: %+v, %v", again, err)
	}
	if err := s.FinishBuyerMail(ctx, tracking.MailAttempt{Seq: got[0].Seq, At: now, State: tracking.DeliveryDelivered, Attempts: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishBuyerMail(ctx, tracking.MailAttempt{Seq: got[1].Seq, At: now, State: tracking.DeliveryPending, Attempts: 1,
		NextAttempt: now.Add(30 * time.Second), Error: "421 try later"}); err != nil {
		t.Fatal(err)
	}
	if due, _ := s.ClaimBuyerMails(ctx, now.Add(10*time.Second), time.Minute, 10); len(due) != 0 {
		t.Errorf("claimed before its retry time: %+v", due)
	}
	if due, _ := s.ClaimBuyerMails(ctx, now.Add(31*time.Second), time.Minute, 10); len(due) != 1 || due[0].Attempts != 1 {
		t.Errorf("retry = %+v", due)
	}
	ms, _ = s.BuyerMails(ctx, id)
	if ms[0].State != tracking.DeliveryDelivered || ms[0].SentAt.IsZero() || ms[1].LastError != "421 try later" {
		t.Errorf("mails after attempts = %+v", ms)
	}
	// Unsubscribing deletes the address and the unsent mails.
	if _, err := svc.UnsubscribeBuyer(ctx, "nope"); code(err) != postal.CodeNotFound {
		t.Errorf("UnsubscribeBuyer(unknown) = %v", err)
	}
	if gone, err := svc.UnsubscribeBuyer(ctx, sub.Token); err != nil || gone.ID != sub.ID {
		t.Fatalf("UnsubscribeBuyer = %+v, %v", gone, err)
	}
	if ms, _ = s.BuyerMails(ctx, id); len(ms) != 0 {
		t.Errorf("mails after unsubscribe = %+v", ms)
	}
	// Erasure by address (case-insensitive) and by age.
	if _, err := svc.SubscribeBuyer(ctx, id, "buyer@example.com", "en"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.EraseBuyerEmail(ctx, "BUYER@example.com"); err != nil || n != 1 {
		t.Errorf("EraseBuyerEmail = %d, %v", n, err)
	}
	if _, err := svc.SubscribeBuyer(ctx, id, "other@example.com", "en"); err != nil {
		t.Fatal(err)
	}
	if n, err := s.EraseBuyerSubscriptions(ctx, now); err != nil || n != 0 {
		t.Errorf("EraseBuyerSubscriptions(now) = %d, %v; want 0 (created at now)", n, err)
	}
	if n, err := s.EraseBuyerSubscriptions(ctx, now.Add(time.Second)); err != nil || n != 1 {
		t.Errorf("EraseBuyerSubscriptions(later) = %d, %v", n, err)
	}
}
