package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/postal"
)

// maxBatchBody fits 1,000 shipments with full declarations.
const maxBatchBody = 16 << 20

type batchInput struct {
	Body struct {
		Items []acceptance.Request `json:"items" doc:"Up to 1,000 shipments; more is 413. Each is created as POST /v1/shipments would; one with a merchant_ref already stored with the same data is replayed."`
	}
}

type batchProblem struct {
	Title  string           `json:"title"`
	Status int              `json:"status"`
	Errors []batchFieldProb `json:"errors,omitempty"`
}

type batchFieldProb struct {
	Location string `json:"location"`
	Message  string `json:"message"`
}

type batchItem struct {
	Index    int                  `json:"index" doc:"Position of the item in the request, from 0"`
	Status   int                  `json:"status" doc:"201 created, 200 replayed by merchant_ref, 422 invalid, 409 merchant_ref used with other data, 403 not allowed"`
	Shipment *acceptance.Shipment `json:"shipment,omitempty"`
	Problem  *batchProblem        `json:"problem,omitempty"`
}

type batchResult struct {
	Created  int         `json:"created"`
	Replayed int         `json:"replayed"`
	Failed   int         `json:"failed"`
	Items    []batchItem `json:"items"`
}

func (s *Server) registerBatch() {
	register(s, huma.Operation{
		OperationID: "create-shipments-batch", Method: http.MethodPost, Path: "/v1/shipments/batch",
		Summary: "create up to 1,000 shipments", Tags: []string{"Shipments"}, MaxBodyBytes: maxBatchBody,
		Description: "Validates every item and stores the valid ones in one transaction; answers 200 with a result per item, in order " +
			"(201, 200 when replayed by merchant_ref, or the item's problem). Over 1,000 items: 413, nothing stored. For more, upload a file.",
		Errors: []int{http.StatusRequestEntityTooLarge, http.StatusUnprocessableEntity},
	}, shipmentWriters, s.createBatch)
}

func (s *Server) createBatch(ctx context.Context, in *batchInput) (*struct{ Body batchResult }, error) {
	if n := len(in.Body.Items); n > acceptance.MaxBatch {
		return nil, huma.NewError(http.StatusRequestEntityTooLarge,
			fmt.Sprintf("%d shipments in one batch; at most %d per call: split them, or upload a file (POST /v1/shipment-uploads)", n, acceptance.MaxBatch))
	}
	res, err := s.cfg.Acceptance.CreateBatch(ctx, principal(ctx), in.Body.Items)
	if res == nil && err != nil {
		return nil, s.problem(ctx, err)
	}
	if err != nil { // stored, but customs was not told: the caller must retry
		return nil, s.problem(ctx, err)
	}
	out := batchResult{Items: make([]batchItem, len(res))}
	for i, r := range res {
		it := batchItem{Index: i}
		switch {
		case r.Err != nil:
			it.Status, it.Problem = batchStatus(r.Err), itemProblem(i, r.Err)
			out.Failed++
		case r.Created:
			sh := r.Shipment
			it.Status, it.Shipment = http.StatusCreated, &sh
			out.Created++
		default:
			sh := r.Shipment
			it.Status, it.Shipment = http.StatusOK, &sh
			out.Replayed++
		}
		out.Items[i] = it
	}
	return &struct{ Body batchResult }{out}, nil
}

func batchStatus(err error) int {
	if errors.Is(err, acceptance.ErrIdempotencyMismatch) {
		return http.StatusConflict
	}
	if st, ok := statusOf[postal.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

func itemProblem(i int, err error) *batchProblem {
	p := &batchProblem{Status: batchStatus(err), Title: "Internal error."}
	var pe *postal.Error
	if errors.As(err, &pe) && pe.Code != postal.CodeInternal {
		p.Title = pe.Message
		if errors.Is(err, acceptance.ErrIdempotencyMismatch) {
			p.Title = "this merchant_ref was already used with different data; give the item a new merchant_ref"
		}
		for _, f := range pe.Fields {
			p.Errors = append(p.Errors, batchFieldProb{Location: fmt.Sprintf("body.items[%d].%s", i, f.Field), Message: f.Message})
		}
	}
	return p
}
