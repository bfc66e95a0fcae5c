package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/interpost/interpost/auth"
	"github.com/interpost/interpost/postal"
)

type keysPage struct {
	Keys      []auth.Key
	Self      string // the session's own key id: it gets no revoke button
	Roles     []auth.Role
	Merchants []string
	Values    map[string]string
	Errors    map[string]string
	Problem   string
	Created   *auth.Key
	Secret    string // the new key, shown once
	Revoked   string // id of a key just revoked
}

func (c *Console) keysPage(r *http.Request, s *session) (*keysPage, error) {
	keys, err := c.cfg.Auth.Keys(r.Context(), s.Who)
	if err != nil {
		return nil, err
	}
	return &keysPage{Keys: keys, Self: s.Who.KeyID, Roles: auth.Roles, Merchants: c.recentMerchants(r),
		Values: map[string]string{"role": string(auth.RoleOperator)}, Errors: map[string]string{}}, nil
}

func (c *Console) keys(w http.ResponseWriter, r *http.Request, s *session) {
	page, err := c.keysPage(r, s)
	if err != nil {
		c.internalError(w, r, s, err)
		return
	}
	page.Revoked = r.URL.Query().Get("revoked")
	c.render(w, r, http.StatusOK, "keys", s.view("console.title.api_keys", "keys", page))
}

// createKey makes a key as POST /v1/keys does, and shows its secret once.
func (c *Console) createKey(w http.ResponseWriter, r *http.Request, s *session) {
	ctx := r.Context()
	v := map[string]string{}
	for _, f := range []string{"role", "merchant", "partner", "offices", "label"} {
		v[f] = strings.TrimSpace(r.PostFormValue(f))
	}
	v["merchant"] = strings.ToUpper(v["merchant"])
	var offices []string
	for o := range strings.SplitSeq(v["offices"], ",") {
		if o = strings.ToUpper(strings.TrimSpace(o)); o != "" {
			offices = append(offices, o)
		}
	}
	k, secret, err := c.cfg.Auth.CreateKey(ctx, s.Who, auth.KeyRequest{Role: auth.Role(v["role"]), Merchant: v["merchant"],
		Partner: v["partner"], Offices: offices, Label: v["label"]})
	page, lerr := c.keysPage(r, s)
	if lerr != nil {
		c.internalError(w, r, s, lerr)
		return
	}
	status := http.StatusOK
	switch postal.ErrorCode(err) {
	case "":
		page.Created, page.Secret = &k, secret
	case postal.CodeInvalid:
		status = http.StatusUnprocessableEntity
		page.Values = v
		for _, fe := range postal.Fields(err) {
			page.Errors[fe.Field] = fe.Message
		}
	default:
		c.internalError(w, r, s, err)
		return
	}
	c.render(w, r, status, "keys", s.view("console.title.api_keys", "keys", page))
}

func (c *Console) revokeKey(w http.ResponseWriter, r *http.Request, s *session) {
	id := r.PathValue("id")
	err := c.cfg.Auth.RevokeKey(r.Context(), s.Who, id)
	if errors.Is(err, auth.ErrRevokeSelf) {
		c.errorPage(w, r, s, http.StatusConflict, c.loc(r).T("console.keys.own_key"))
		return
	}
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	http.Redirect(w, r, "/console/keys?revoked="+id, http.StatusSeeOther)
}
