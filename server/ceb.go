package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/customs/ceb"
	"github.com/interpost/interpost/postal"
)

var cebSenders = []string{"admin", "operator"}

type cebMessagesOutput struct {
	Body struct {
		ItemID   string       `json:"item_id"`
		Messages []ceb.Record `json:"messages" doc:"Messages sent and receipts received, oldest first"`
	}
}

type cebSendInput struct {
	ID   string `path:"id" doc:"Item id (the e-commerce logistics id)"`
	Body struct {
		Buyer ceb.Buyer `json:"buyer" doc:"The buyer from the platform's order (CEB311): identity number and phones, needed by the CEB621 inventory only; empty on a resend"`
	}
}

type cebReceiptInput struct {
	RawBody []byte `contentType:"application/xml"`
}

func (s *Server) registerCEB() {
	tags := []string{"Customs"}
	register(s, huma.Operation{
		OperationID: "list-ceb-messages", Method: http.MethodGet, Path: "/v1/customs/items/{id}/ceb",
		Summary: "list an item's China Customs CEB messages", Tags: tags,
		Description: "The CEB messages the post sent for an e-commerce import (CEB511 waybill, CEB513 delivery status, CEB621 inventory) and the " +
			"receipts customs answered with, oldest first: type, guid, status, returnInfo, the action a receipt caused and, flagged, why a person " +
			"must look. Bodies carry the buyer's identity number and phones masked.",
		Errors: []int{http.StatusNotFound, http.StatusServiceUnavailable},
	}, customsStaff, s.cebMessages)
	register(s, huma.Operation{
		OperationID: "send-ceb-messages", Method: http.MethodPost, Path: "/v1/customs/items/{id}/ceb",
		Summary: "make an item's CEB waybill and inventory", Tags: tags,
		Description: "Makes the CEB511 waybill and, where the office's CEB profile declares, the CEB621 inventory of an e-commerce import, and " +
			"queues them for the transmitter. The buyer's per-transaction (CNY 5,000) and annual (CNY 26,000) limits are checked before the " +
			"inventory is made (422, nothing stored). The same item again stores nothing new.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, cebSenders, s.cebSend)
	register(s, huma.Operation{
		OperationID: "upload-ceb-receipts", Method: http.MethodPost, Path: "/v1/customs/ceb/receipts",
		Summary: "apply a China Customs CEB receipt", Tags: tags, MaxBodyBytes: ceb.MaxInput,
		Description: "A receipt message (CEB312, 412, 512, 514, 622, …), bare or in its DxpMsg, prefixed or default namespace. Each receipt's " +
			"returnStatus moves the item through the customs workflow (120/300 presented, 500 held for inspection, 800/899 released, 100/700 " +
			"returned, 501–503/599 seized) with its returnInfo on the tracking events. Unknown statuses and receipts for messages never sent " +
			"are stored and flagged; the same receipt twice changes nothing. A message that does not validate is refused whole (422).",
		Errors: []int{http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, cebSenders, s.cebReceipts)
}

func (s *Server) ceb(ctx context.Context) (*ceb.Hall, error) {
	if s.cfg.CEB == nil {
		return nil, s.problem(ctx, postal.Errorf(postal.CodeUnavailable, "CEB messages are not configured on this node (--ceb-profiles)"))
	}
	return s.cfg.CEB, nil
}

func (s *Server) cebMessages(ctx context.Context, in *itemIDInput) (*cebMessagesOutput, error) {
	h, err := s.ceb(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := h.Messages(ctx, principal(ctx), in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &cebMessagesOutput{}
	out.Body.ItemID, out.Body.Messages = in.ID, recs
	return out, nil
}

func (s *Server) cebSend(ctx context.Context, in *cebSendInput) (*cebMessagesOutput, error) {
	h, err := s.ceb(ctx)
	if err != nil {
		return nil, err
	}
	recs, err := h.Send(ctx, principal(ctx), in.ID, in.Body.Buyer)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &cebMessagesOutput{}
	out.Body.ItemID, out.Body.Messages = in.ID, recs
	return out, nil
}

func (s *Server) cebReceipts(ctx context.Context, in *cebReceiptInput) (*struct{ Body ceb.ReceiptReport }, error) {
	h, err := s.ceb(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := h.ApplyReceipts(ctx, principal(ctx), in.RawBody)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body ceb.ReceiptReport }{rep}, nil
}
