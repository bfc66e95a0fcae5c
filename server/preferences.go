package server

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/i18n"
)

// everyRole may read and set its own preferences: they are the key's user's,
// not anyone's data.
var everyRole = []string{"admin", "operator", "customs", "merchant", "partner"}

// preferences are a key's user's settings (the key is the user).
type preferences struct {
	Language string `json:"language" doc:"Language of the console and of the PDFs made for this user (BCP 47: en or zh-CN); empty = none stored, the browser's Accept-Language decides"`
}

type preferencesBody struct {
	Language string `json:"language" maxLength:"35" doc:"A BCP 47 tag or an Accept-Language list; matched to en or zh-CN, anything else gives en (never an error); empty clears the preference"`
}

func (s *Server) registerPreferences() {
	register(s, huma.Operation{
		OperationID: "get-preferences", Method: http.MethodGet, Path: "/v1/me/preferences", Summary: "the caller's preferences",
		Description: "The preferences stored with the calling key's user.", Tags: []string{"Keys"},
	}, everyRole, s.getPreferences)
	register(s, huma.Operation{
		OperationID: "put-preferences", Method: http.MethodPut, Path: "/v1/me/preferences", Summary: "set the caller's preferences",
		Description: "Stores the calling key's user's language: the console and staff PDFs use it when the browser has made no explicit choice.",
		Tags:        []string{"Keys"}, Errors: []int{http.StatusUnprocessableEntity},
	}, everyRole, s.putPreferences)
}

func (s *Server) getPreferences(ctx context.Context, _ *struct{}) (*struct{ Body preferences }, error) {
	return &struct{ Body preferences }{preferences{Language: principal(ctx).Language}}, nil
}

func (s *Server) putPreferences(ctx context.Context, in *struct{ Body preferencesBody }) (*struct{ Body preferences }, error) {
	lang := ""
	if in.Body.Language != "" {
		lang = i18n.Default().MatchAmong(i18n.StaffLanguages, in.Body.Language).String()
	}
	if err := s.cfg.Auth.SetLanguage(ctx, principal(ctx), lang); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body preferences }{preferences{Language: lang}}, nil
}

// staffLang is the language of the PDFs an API caller gets: its key's user's
// stored preference, else English.
func staffLang(ctx context.Context) *i18n.Localizer {
	cat := i18n.Default()
	return cat.For(cat.MatchAmong(i18n.StaffLanguages, principal(ctx).Language))
}
