package console

import (
	"net/http"
	"time"

	"github.com/interpost/interpost/i18n"
)

// The console speaks English and Simplified Chinese. A caller's choice
// (the switcher on every page) is kept in a cookie for this browser; without
// one the browser's Accept-Language decides, and anything else gives
// English.
const langCookie = "interpost-lang"

// langChoice is one entry of the language switcher.
type langChoice struct {
	Tag     string // BCP 47, the form's value
	Name    string // in its own language
	Current bool
}

// loc returns the localizer for a request.
func (c *Console) loc(r *http.Request) *i18n.Localizer {
	var choice string
	if ck, err := r.Cookie(langCookie); err == nil {
		choice = ck.Value
	}
	tag := c.cat.MatchAmong(languages, choice, r.Header.Get("Accept-Language"))
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

// setLanguage keeps the switcher's choice in a cookie and returns to the
// page it was on. It needs the form's CSRF token like every other form,
// signed in or not (the sign-in page has a switcher too).
func (c *Console) setLanguage(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	csrfSeed(w, r)
	if why := c.checkCSRF(r, sessionKey(r)); why != "" {
		c.errorPage(w, r, nil, http.StatusForbidden, c.loc(r).T(why))
		return
	}
	tag := c.cat.MatchAmong(languages, r.PostFormValue("lang"))
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: tag.String(), Path: "/console", MaxAge: int(365 * 24 * time.Hour / time.Second),
		Secure: secureTransport(r), HttpOnly: true, SameSite: http.SameSiteLaxMode})
	back := safeNext(r.PostFormValue("back"))
	if back == "" {
		back = "/console/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
