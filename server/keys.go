package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
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
	role, err := auth.ParseRole(in.Body.Role)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	if role == auth.RoleMerchant {
		if _, err := s.cfg.Store.Merchant(ctx, in.Body.Merchant); err != nil {
			return nil, s.problem(ctx, postal.Invalid("unknown merchant", postal.FieldError{Field: "merchant", Message: err.Error()}))
		}
	}
	k, secret, err := auth.NewKey(role, in.Body.Merchant, in.Body.Partner, in.Body.Offices, in.Body.Label, s.cfg.Now())
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	if err := s.cfg.Store.CreateKey(ctx, k); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body createdKey }{createdKey{Key: k, Secret: secret}}, nil
}

func (s *Server) listKeys(ctx context.Context, _ *struct{}) (*struct{ Body []auth.Key }, error) {
	keys, err := s.cfg.Store.Keys(ctx)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	if keys == nil {
		keys = []auth.Key{}
	}
	return &struct{ Body []auth.Key }{keys}, nil
}

func (s *Server) revokeKey(ctx context.Context, in *struct {
	ID string `path:"id"`
}) (*struct{}, error) {
	return nil, s.problem(ctx, s.cfg.Store.RevokeKey(ctx, in.ID, s.cfg.Now()))
}

func (s *Server) putMerchant(ctx context.Context, in *merchantInput) (*struct{ Body acceptance.Merchant }, error) {
	m := acceptance.Merchant{Code: in.Code, Name: in.Body.Name, Office: in.Body.Office, Country: in.Body.Country, CreatedAt: s.cfg.Now().UTC()}
	if err := m.Validate(); err != nil {
		return nil, s.problem(ctx, err)
	}
	if _, err := s.cfg.Store.Office(ctx, m.Office); err != nil {
		return nil, s.problem(ctx, postal.Invalid("unknown office", postal.FieldError{Field: "office", Message: err.Error()}))
	}
	if err := s.cfg.Store.PutMerchant(ctx, m); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body acceptance.Merchant }{m}, nil
}
