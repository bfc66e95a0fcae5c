package console

import (
	"context"
	"net/http"
	"time"

	"github.com/interpost/interpost/i18n"
)

// The console speaks English and Simplified Chinese. The language of a
// request is, in order: the switcher's choice in this browser (a cookie),
// the signed-in key's user's stored preference, the browser's
// Accept-Language, English. Switching while signed in also stores the
// choice for the user, so it follows them to another browser; signing in
// with a stored preference drops an older choice of the browser.
const langCookie = "interpost-lang"

// langChoice is one entry of the language switcher.
type langChoice struct {
	Tag     string // BCP 47, the form's value
	Name    string // in its own language
	Current bool
}

type userLangKey struct{}

// withUserLanguage attaches the signed-in user's stored preference to r.
func withUserLanguage(r *http.Request, lang string) *http.Request {
	if lang == "" {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), userLangKey{}, lang))
}

// loc returns the localizer for a request.
func (c *Console) loc(r *http.Request) *i18n.Localizer {
	var choice string
	if ck, err := r.Cookie(langCookie); err == nil {
		choice = ck.Value
	}
	stored, _ := r.Context().Value(userLangKey{}).(string)
	tag := c.cat.MatchAmong(languages, choice, stored, r.Header.Get("Accept-Language"))
	if l, ok := c.locs[tag.String()]; ok {
		return l
	}
	return c.locs[languages[0].String()]
}

func (c *Console) langChoices(cur *i18n.Localizer) []langChoice {
	out := make([]langChoice, 0, len(languages))
	for _, t := range languages {
		l := c.locs[t.String()]
		out = append(out, langChoice{Tag: l.Lang(), Name: l.T("common.language." + l.Lang()), Current: l == cur})
	}
	return out
}

// setLanguage keeps the switcher's choice in a cookie, stores it as the
// signed-in user's preference, and returns to the page it was on. It needs
// the form's CSRF token like every other form, signed in or not (the
// sign-in page has a switcher too). An unknown tag chooses English.
func (c *Console) setLanguage(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	csrfSeed(w, r)
	if why := c.checkCSRF(r, sessionKey(r)); why != "" {
		c.errorPage(w, r, nil, http.StatusForbidden, c.loc(r).T(why))
		return
	}
	tag := c.cat.MatchAmong(languages, r.PostFormValue("lang"))
	if p, err := c.authenticate(r); err == nil {
		if err := c.cfg.Auth.SetLanguage(r.Context(), p, tag.String()); err != nil {
			// The cookie still switches this browser; the preference is not
			// worth failing the click for.
			c.cfg.Logger.WarnContext(r.Context(), "console language preference", "key", p.KeyID, "err", err,
				"request_id", c.cfg.RequestID(r.Context()))
		}
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: tag.String(), Path: "/console", MaxAge: int(365 * 24 * time.Hour / time.Second),
		Secure: secureTransport(r), HttpOnly: true, SameSite: http.SameSiteLaxMode})
	back := safeNext(r.PostFormValue("back"))
	if back == "" {
		back = "/console/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// clearLanguage drops the browser's switcher choice.
func clearLanguage(w http.ResponseWriter, r *http.Request) {
	if _, err := r.Cookie(langCookie); err != nil {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: "", Path: "/console", MaxAge: -1,
		Secure: secureTransport(r), HttpOnly: true, SameSite: http.SameSiteLaxMode})
}
