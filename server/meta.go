package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/interpost/interpost/network"
	"github.com/interpost/interpost/postal"
)

func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// readyz answers 200 when the store answers, else 503.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	body := map[string]string{"status": "ready", "store": s.cfg.Health.Kind(), "version": s.cfg.Version}
	status := http.StatusOK
	if err := s.cfg.Health.Ping(ctx); err != nil {
		status = http.StatusServiceUnavailable
		body["status"], body["error"] = "not ready", err.Error()
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// product is the public view of a product's acceptance rules.
type product struct {
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	MailClass   string   `json:"mail_class"`
	Indicators  []string `json:"s10_indicators"`
	MaxWeightG  int      `json:"max_weight_g"`
	MaxSideMM   int      `json:"max_side_mm"`
	MaxSumMM    int      `json:"max_sum_mm,omitempty"`
	MaxGirthMM  int      `json:"max_length_girth_mm,omitempty"`
	MaxValueSDR string   `json:"max_value_sdr"`
	AlwaysCN23  bool     `json:"always_cn23"`
	Registered  bool     `json:"registered"`
	Tracked     bool     `json:"tracked"`
}

type s10Check struct {
	ID               string `json:"id"`
	Valid            bool   `json:"valid"`
	ServiceIndicator string `json:"service_indicator,omitempty"`
	Service          string `json:"service,omitempty"`
	Serial           string `json:"serial,omitempty"`
	CheckDigit       int    `json:"check_digit"`
	Country          string `json:"country,omitempty"`
	CountryName      string `json:"country_name,omitempty"`
	Problem          string `json:"problem,omitempty" doc:"What is wrong, when not valid"`
}

func (s *Server) registerMeta() {
	register(s, huma.Operation{
		OperationID: "list-products", Method: http.MethodGet, Path: "/v1/products", Summary: "list products", Tags: []string{"Reference"},
		Description: "Products and their acceptance limits.",
	}, nil, func(context.Context, *struct{}) (*struct{ Body []product }, error) {
		var out []product
		for _, p := range postal.Products() {
			out = append(out, product{
				Code: string(p.Code), Name: p.Name, MailClass: p.Class.String(), Indicators: p.Indicators,
				MaxWeightG: p.MaxWeightG, MaxSideMM: p.MaxSideMM, MaxSumMM: p.MaxSumMM, MaxGirthMM: p.MaxGirthMM,
				MaxValueSDR: p.MaxValueSDR.String(), AlwaysCN23: p.AlwaysCN23, Registered: p.Registered, Tracked: p.Tracked,
			})
		}
		return &struct{ Body []product }{out}, nil
	})
	register(s, huma.Operation{
		OperationID: "list-offices", Method: http.MethodGet, Path: "/v1/offices", Summary: "list offices", Tags: []string{"Network"},
	}, nil, func(ctx context.Context, _ *struct{}) (*struct{ Body []network.Office }, error) {
		offices, err := s.cfg.Network.Offices(ctx)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		if offices == nil {
			offices = []network.Office{}
		}
		return &struct{ Body []network.Office }{offices}, nil
	})
	register(s, huma.Operation{
		OperationID: "check-s10", Method: http.MethodGet, Path: "/v1/s10/{id}", Summary: "check an S10 item id", Tags: []string{"Reference"},
		Description: "Parses and validates a UPU S10 id; says which part is wrong when it is not valid.",
	}, nil, func(_ context.Context, in *struct {
		ID string `path:"id" maxLength:"40"`
	}) (*struct{ Body s10Check }, error) {
		return &struct{ Body s10Check }{checkS10(in.ID)}, nil
	})
}

func checkS10(raw string) s10Check {
	id, err := postal.ParseS10(raw)
	if err != nil {
		return s10Check{ID: raw, Problem: err.Error()}
	}
	svc, _ := postal.ServiceIndicatorClass(id.ServiceIndicator())
	cn, _ := postal.CountryName(id.Country())
	return s10Check{
		ID: string(id), Valid: true, ServiceIndicator: id.ServiceIndicator(), Service: svc,
		Serial: string(id)[2:10], CheckDigit: id.CheckDigit(), Country: id.Country(), CountryName: cn,
	}
}
