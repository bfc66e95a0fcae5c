package console

import (
	"net/http"

	"github.com/interpost/interpost/customs/ceb"
)

// cebMatchingPage is the three-documents matching queue, or one order of it side by side.
type cebMatchingPage struct {
	State  string
	States []string
	Orders []ceb.MatchEntry
	// One order (Order set): its documents in the columns CEB311, CEB411, CEB511, CEB621.
	Order *ceb.MatchView
	Docs  []string
	Rows  []cebMatchRow
	XML   []ceb.Document
}

// cebMatchRow is one failed check with each document's value in its column.
type cebMatchRow struct {
	Check  string
	Values []string // per Docs; "" when the document does not take part
	Paths  []string
}

var cebDocs = []string{"CEB311", "CEB411", "CEB511", "CEB621"}

func (c *Console) cebMatching(w http.ResponseWriter, r *http.Request, s *session) {
	state := r.URL.Query().Get("state")
	es, err := c.cfg.CEBMatch.Queue(r.Context(), s.Who, state)
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	page := &cebMatchingPage{State: state, States: []string{ceb.MatchMismatched, ceb.MatchWaiting, ceb.MatchMatched}, Orders: es}
	c.render(w, r, http.StatusOK, "customs_matching", s.view(c.loc(r).T("console.ceb_matching.title"), "customs", page))
}

func (c *Console) cebMatchOrder(w http.ResponseWriter, r *http.Request, s *session) {
	v, err := c.cfg.CEBMatch.Order(r.Context(), s.Who, r.PathValue("order"))
	if err != nil {
		c.domainError(w, r, s, err)
		return
	}
	page := &cebMatchingPage{Order: &v, Docs: cebDocs}
	for _, m := range v.Result.Mismatches {
		row := cebMatchRow{Check: m.Check, Values: make([]string, len(cebDocs)), Paths: make([]string, len(cebDocs))}
		for _, val := range m.Values {
			for i, d := range cebDocs {
				if d == val.Doc {
					row.Values[i], row.Paths[i] = val.Value, val.Path
				}
			}
		}
		page.Rows = append(page.Rows, row)
	}
	// The latest document of each type, in column order.
	for _, d := range cebDocs {
		for i := len(v.Documents) - 1; i >= 0; i-- {
			if v.Documents[i].Type == d {
				page.XML = append(page.XML, v.Documents[i])
				break
			}
		}
	}
	c.render(w, r, http.StatusOK, "customs_matching", s.view(v.OrderNo, "customs", page))
}
