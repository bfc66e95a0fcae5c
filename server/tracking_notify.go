package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/i18n"
	"github.com/interpost/interpost/postal"
	"github.com/interpost/interpost/tracking"
)

type buyerStatusesInput struct {
	Merchant string `query:"merchant" maxLength:"40" doc:"Admins only: the merchant; merchants read their own"`
}

type putBuyerStatusesInput struct {
	Body struct {
		Merchant string   `json:"merchant,omitempty" maxLength:"40" doc:"Admins only: the merchant whose buyers to notify"`
		Statuses []string `json:"statuses" maxItems:"30" doc:"Item statuses whose changes e-mail the buyers who subscribed on the tracking page; [] = none"`
	}
}

type buyerStatuses struct {
	Statuses []tracking.Status `json:"statuses" doc:"Statuses whose changes e-mail subscribed buyers"`
	Enabled  bool              `json:"enabled" doc:"false: this server has no SMTP server configured (--smtp) and sends no e-mail"`
}

func (s *Server) registerBuyerNotify() {
	register(s, huma.Operation{
		OperationID: "get-buyer-notifications", Method: http.MethodGet, Path: "/v1/buyer-notifications",
		Summary: "which status changes e-mail a merchant's buyers", Tags: []string{"Webhooks"},
		Description: "Buyers subscribe with their e-mail address on the public tracking page. Without a choice a merchant's buyers hear of " +
			"out_for_delivery, delivered and import_customs_held.",
	}, webhookUsers, s.getBuyerStatuses)
	register(s, huma.Operation{
		OperationID: "put-buyer-notifications", Method: http.MethodPut, Path: "/v1/buyer-notifications",
		Summary: "choose which status changes e-mail a merchant's buyers", Tags: []string{"Webhooks"},
		Errors: []int{http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, webhookUsers, s.putBuyerStatuses)
	s.plain("POST /track/notify/{id}", s.trackSubscribe)
	s.plain("GET /track/unsubscribe/{token}", s.trackUnsubscribeForm)
	s.plain("POST /track/unsubscribe/{token}", s.trackUnsubscribe)
}

func (s *Server) getBuyerStatuses(ctx context.Context, in *buyerStatusesInput) (*struct{ Body buyerStatuses }, error) {
	sts, err := s.tracking().BuyerStatuses(ctx, principal(ctx), in.Merchant)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body buyerStatuses }{buyerStatuses{Statuses: sts, Enabled: s.tracking().Buyers != nil}}, nil
}

func (s *Server) putBuyerStatuses(ctx context.Context, in *putBuyerStatusesInput) (*struct{ Body buyerStatuses }, error) {
	sts, err := s.tracking().SetBuyerStatuses(ctx, principal(ctx), in.Body.Merchant, in.Body.Statuses)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body buyerStatuses }{buyerStatuses{Statuses: sts, Enabled: true}}, nil
}

// formLanguage is the language of the page a form was sent from (its lang
// field), else as trackLanguage chooses.
func formLanguage(w http.ResponseWriter, r *http.Request) *i18n.Localizer {
	cat := i18n.Default()
	if tag, ok := cat.Supported(r.PostFormValue("lang")); ok {
		return cat.For(tag)
	}
	return trackLanguage(w, r)
}

// trackSubscribe subscribes an e-mail address to an item's status changes
// (the form on the public page). The address is never logged.
func (s *Server) trackSubscribe(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	l := formLanguage(w, r)
	id := r.PathValue("id")
	v := newTrackView(l, id)
	sub, err := s.tracking().SubscribeBuyer(r.Context(), id, r.PostFormValue("email"), l.Lang())
	switch postal.ErrorCode(err) {
	case "":
		v.ID, v.Notice = sub.Object, l.T("track.notify.done", "ID", sub.Object)
		s.renderTrack(w, r, l, http.StatusOK, v)
	case postal.CodeInvalid:
		v.Problem = problemText(err)
		s.renderTrack(w, r, l, http.StatusUnprocessableEntity, v)
	case postal.CodeNotFound:
		v.Problem = l.T("track.problem.not_found", "ID", id)
		s.renderTrack(w, r, l, http.StatusNotFound, v)
	case postal.CodeUnavailable:
		v.Problem = l.T("track.problem.unavailable")
		s.renderTrack(w, r, l, http.StatusServiceUnavailable, v)
	default:
		s.cfg.Logger.ErrorContext(r.Context(), "tracking page subscribe", "err", err, "request_id", requestID(r.Context()))
		v.Problem = l.T("track.problem.unavailable")
		s.renderTrack(w, r, l, http.StatusServiceUnavailable, v)
	}
}

// problemText is the field message of an invalid-input error (it names the field).
func problemText(err error) string {
	var pe *postal.Error
	if errors.As(err, &pe) && len(pe.Fields) > 0 {
		return pe.Fields[0].Message
	}
	return err.Error()
}

// trackUnsubscribeForm asks before unsubscribing: mail scanners follow
// links, so GET changes nothing (RFC 8058 one-click clients POST).
func (s *Server) trackUnsubscribeForm(w http.ResponseWriter, r *http.Request) {
	l := trackLanguage(w, r)
	v := newTrackView(l, "")
	v.Unsub = r.PathValue("token")
	s.renderTrack(w, r, l, http.StatusOK, v)
}

func (s *Server) trackUnsubscribe(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	sub, err := s.tracking().UnsubscribeBuyer(r.Context(), r.PathValue("token"))
	var l *i18n.Localizer
	if err == nil {
		l = i18n.Default().For(i18n.Default().Match(sub.Lang))
	} else {
		l = trackLanguage(w, r)
	}
	v := newTrackView(l, "")
	switch postal.ErrorCode(err) {
	case "":
		v.ID, v.Notice = sub.Object, l.T("track.notify.unsub_done", "ID", sub.Object)
		s.renderTrack(w, r, l, http.StatusOK, v)
	case postal.CodeNotFound:
		v.Notice = l.T("track.notify.unsub_unknown")
		s.renderTrack(w, r, l, http.StatusOK, v)
	default:
		s.cfg.Logger.ErrorContext(r.Context(), "tracking page unsubscribe", "err", err, "request_id", requestID(r.Context()))
		v.Problem = l.T("track.problem.unavailable")
		s.renderTrack(w, r, l, http.StatusServiceUnavailable, v)
	}
}
