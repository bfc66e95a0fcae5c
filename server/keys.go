package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
)

var adminOnly = []string{"admin"}

type createKeyBody struct {
	Role     string   `json:"role" enum:"admin,operator,customs,merchant,partner"`
	Merchant string   `json:"merchant,omitempty" doc:"Required for role merchant"`
	Partner  string   `json:"partner,omitempty" doc:"Required for role partner: the partner post or carrier code"`
	Offices  []string `json:"offices,omitempty" doc:"Operator/customs: office codes in scope (empty = all)"`
	Label    string   `json:"label,omitempty" maxLength:"100"`
}

type createdKey struct {
	auth.Key
	Secret string `json:"key" doc:"The API key. It is shown only in this response; Interpost stores only its hash."`
}

type merchantInput struct {
	Code string `path:"code" pattern:"^[A-Z0-9][A-Z0-9_-]{1,31}$"`
	Body struct {
		Name    string `json:"name" minLength:"1" maxLength:"100"`
		Office  string `json:"office" doc:"Office of exchange its items leave from"`
		Country string `json:"country"`
	}
}

func (s *Server) registerKeys() {
	register(s, huma.Operation{
		OperationID: "create-key", Method: http.MethodPost, Path: "/v1/keys", Summary: "create an API key", Tags: []string{"Keys"},
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, adminOnly, s.createKey)
	register(s, huma.Operation{
		OperationID: "list-keys", Method: http.MethodGet, Path: "/v1/keys", Summary: "list API keys", Tags: []string{"Keys"},
	}, adminOnly, s.listKeys)
	register(s, huma.Operation{
		OperationID: "revoke-key", Method: http.MethodDelete, Path: "/v1/keys/{id}", Summary: "revoke an API key", Tags: []string{"Keys"},
		DefaultStatus: http.StatusNoContent, Errors: []int{http.StatusNotFound},
	}, adminOnly, s.revokeKey)
	register(s, huma.Operation{
		OperationID: "put-merchant", Method: http.MethodPut, Path: "/v1/merchants/{code}", Summary: "create or update a merchant", Tags: []string{"Merchants"},
		Errors: []int{http.StatusUnprocessableEntity},
	}, adminOnly, s.putMerchant)
}

func (s *Server) createKey(ctx context.Context, in *struct{ Body createKeyBody }) (*struct{ Body createdKey }, error) {
	b := in.Body
	k, secret, err := s.cfg.Auth.CreateKey(ctx, principal(ctx), auth.KeyRequest{Role: auth.Role(b.Role), Merchant: b.Merchant,
		Partner: b.Partner, Offices: b.Offices, Label: b.Label})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body createdKey }{createdKey{Key: k, Secret: secret}}, nil
}

func (s *Server) listKeys(ctx context.Context, _ *struct{}) (*struct{ Body []auth.Key }, error) {
	keys, err := s.cfg.Auth.Keys(ctx, principal(ctx))
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body []auth.Key }{keys}, nil
}

func (s *Server) revokeKey(ctx context.Context, in *struct {
	ID string `path:"id"`
}) (*struct{}, error) {
	return nil, s.problem(ctx, s.cfg.Auth.RevokeKey(ctx, principal(ctx), in.ID))
}

func (s *Server) putMerchant(ctx context.Context, in *merchantInput) (*struct{ Body acceptance.Merchant }, error) {
	m, err := s.cfg.Merchants.Put(ctx, principal(ctx), acceptance.Merchant{Code: in.Code, Name: in.Body.Name, Office: in.Body.Office,
		Country: in.Body.Country, CreatedAt: s.cfg.Now().UTC()})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body acceptance.Merchant }{m}, nil
}
