package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/tracking"
)

type createWebhookInput struct {
	Body struct {
		URL      string   `json:"url" maxLength:"500" doc:"http(s) endpoint that receives POSTs" example:"https://shop.example/interpost/hooks"`
		Statuses []string `json:"statuses,omitempty" maxItems:"30" doc:"Item statuses to notify; empty = every status change"`
		Merchant string   `json:"merchant,omitempty" doc:"Admins only: the merchant whose items to notify"`
	}
}

type createdWebhook struct {
	tracking.Subscription
	Secret string `json:"secret" doc:"HMAC-SHA256 key of the Interpost-Signature header. Shown only in this response."`
}

type webhookIDInput struct {
	ID string `path:"id" maxLength:"40"`
}

type deliveriesInput struct {
	ID     string `path:"id" maxLength:"40"`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor string `query:"cursor" doc:"next_cursor of the previous page"`
}

type deliveryPage struct {
	Deliveries []tracking.Delivery `json:"deliveries"`
	NextCursor string              `json:"next_cursor,omitempty"`
}

func (s *Server) registerWebhooks() {
	register(s, huma.Operation{
		OperationID: "create-webhook", Method: http.MethodPost, Path: "/v1/webhooks",
		Summary: "subscribe to item status changes", Tags: []string{"Webhooks"},
		Description: "Each status change of the merchant's items is POSTed to url as JSON, signed with `Interpost-Signature: sha256=<hex HMAC-SHA256 of the body>` " +
			"under the returned secret, with the delivery id in `Interpost-Delivery`. Failed deliveries (no 2xx within 10 s) are retried with exponential backoff " +
			"from 30 s up to 6 h, 12 attempts in all; they wait in an outbox, so a restart loses none.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusUnprocessableEntity, http.StatusNotFound},
	}, webhookUsers, s.createWebhook)
	register(s, huma.Operation{
		OperationID: "list-webhooks", Method: http.MethodGet, Path: "/v1/webhooks",
		Summary: "list webhook subscriptions", Tags: []string{"Webhooks"},
	}, webhookUsers, s.listWebhooks)
	register(s, huma.Operation{
		OperationID: "delete-webhook", Method: http.MethodDelete, Path: "/v1/webhooks/{id}",
		Summary: "unsubscribe", Tags: []string{"Webhooks"},
		Description: "Stops deliveries; the subscription and its delivery log stay readable.", DefaultStatus: http.StatusNoContent,
		Errors: []int{http.StatusNotFound},
	}, webhookUsers, s.deleteWebhook)
	register(s, huma.Operation{
		OperationID: "list-webhook-deliveries", Method: http.MethodGet, Path: "/v1/webhooks/{id}/deliveries",
		Summary: "list a subscription's deliveries", Tags: []string{"Webhooks"},
		Description: "Newest first: state (pending, delivered, failed), attempts, next attempt, last response status and error.",
		Errors:      []int{http.StatusNotFound},
	}, webhookUsers, s.listDeliveries)
}

func (s *Server) createWebhook(ctx context.Context, in *createWebhookInput) (*struct{ Body createdWebhook }, error) {
	sub, err := s.tracking().Subscribe(ctx, principal(ctx), in.Body.Merchant, in.Body.URL, in.Body.Statuses)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body createdWebhook }{createdWebhook{Subscription: sub, Secret: sub.Secret}}, nil
}

func (s *Server) listWebhooks(ctx context.Context, _ *struct{}) (*struct{ Body []tracking.Subscription }, error) {
	subs, err := s.tracking().Subscriptions(ctx, principal(ctx))
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body []tracking.Subscription }{subs}, nil
}

func (s *Server) deleteWebhook(ctx context.Context, in *webhookIDInput) (*struct{}, error) {
	if err := s.tracking().Unsubscribe(ctx, principal(ctx), in.ID); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{}{}, nil
}

func (s *Server) listDeliveries(ctx context.Context, in *deliveriesInput) (*struct{ Body deliveryPage }, error) {
	ds, next, err := s.tracking().Deliveries(ctx, principal(ctx), in.ID, in.Cursor, in.Limit)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body deliveryPage }{deliveryPage{Deliveries: ds, NextCursor: next}}, nil
}
