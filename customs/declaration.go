package customs

import (
	"strings"

	"github.com/interpost/interpost/customs/risk"
	"github.com/interpost/interpost/postal"
)

// Stream is the commercial channel an item travels in. The three streams are
// supervised together but identify items differently.
type Stream string

// Streams.
const (
	StreamPostal    Stream = "postal"    // UPU mail: S10 id, CN 22/CN 23 data
	StreamExpress   Stream = "express"   // commercial express: carrier waybill id
	StreamEcommerce Stream = "ecommerce" // cross-border e-commerce: platform order data
)

// Streams lists every stream.
var Streams = []Stream{StreamPostal, StreamExpress, StreamEcommerce}

// Direction says whether the office clears the item out of or into its
// country.
type Direction string

// Directions.
const (
	Export Direction = "export"
	Import Direction = "import"
)

// Party is a sender, addressee or seller as declared.
type Party struct {
	Name     string `json:"name" maxLength:"100"`
	Company  string `json:"company,omitempty" maxLength:"100"`
	Address  string `json:"address,omitempty" maxLength:"200"`
	City     string `json:"city,omitempty" maxLength:"100"`
	Postcode string `json:"postcode,omitempty" maxLength:"20"`
	Country  string `json:"country" doc:"ISO 3166-1 alpha-2" example:"PL"`
	TaxID    string `json:"tax_id,omitempty" maxLength:"40" doc:"Tax, VAT or importer id of this party"`
}

// Line is one article: a CN 22/CN 23 line, an express manifest line's
// article or an e-commerce order line.
type Line struct {
	Description   string `json:"description" maxLength:"200"`
	Quantity      int    `json:"quantity" doc:"Number of units, at least 1"`
	NetWeightG    int    `json:"net_weight_g" doc:"Net weight of the whole line in grams"`
	Value         string `json:"value" doc:"Value of the whole line in the declaration currency" example:"24.00"`
	HSCode        string `json:"hs_code,omitempty" doc:"HS tariff number, 6 to 10 digits; required for commercial items and for the express and e-commerce streams"`
	OriginCountry string `json:"origin_country,omitempty" doc:"ISO 3166-1 alpha-2 country of origin of the goods"`
}

// PostalInfo is what only postal items carry.
type PostalInfo struct {
	Product string `json:"product,omitempty" doc:"Interpost product code, e.g. ems"`
	Form    string `json:"form,omitempty" enum:"CN22,CN23" doc:"Declared form; decided from the value when absent. A CN22 over 300 SDR is refused."`
}

// ExpressInfo is what only commercial express items carry.
type ExpressInfo struct {
	Carrier       string `json:"carrier" maxLength:"40" doc:"Express carrier code"`
	MasterWaybill string `json:"master_waybill,omitempty" maxLength:"40" doc:"Master air waybill or manifest the item travels under"`
	ManifestLine  int    `json:"manifest_line,omitempty" doc:"Line number of the item in the carrier's manifest"`
}

// E-commerce business models.
const (
	ModelB2C   = "B2C"   // the seller ships to the consumer
	ModelB2B2C = "B2B2C" // goods go through a platform or warehouse to the consumer
)

// EcommerceInfo is what only e-commerce items carry.
type EcommerceInfo struct {
	Platform         string `json:"platform" maxLength:"60" doc:"E-commerce platform, e.g. aliexpress"`
	OrderID          string `json:"order_id" maxLength:"60" doc:"Platform order id"`
	Seller           Party  `json:"seller" doc:"The seller on the platform"`
	PaymentID        string `json:"payment_id,omitempty" maxLength:"60"`
	TransactionValue string `json:"transaction_value,omitempty" doc:"What the buyer paid, in the declaration currency"`
	Model            string `json:"model" enum:"B2C,B2B2C"`
}

// Declaration is the electronic advance data of one item in any stream:
// ITMATT/CN 23 content for mail, the manifest line for express, the order
// for e-commerce.
type Declaration struct {
	ID          string    `json:"id" doc:"Item id: an S10 id for postal items, the carrier waybill for express, the logistics id for e-commerce; unique across all streams" example:"EE123456785CN"`
	Stream      Stream    `json:"stream" enum:"postal,express,ecommerce"`
	Direction   Direction `json:"direction" enum:"export,import"`
	Office      string    `json:"office" doc:"Office of exchange that clears the item" example:"CNSHAA"`
	Category    string    `json:"category" enum:"gift,documents,commercial_sample,returned_goods,sale_of_goods,other"`
	Explanation string    `json:"explanation,omitempty" maxLength:"200" doc:"Required when category is other"`
	Currency    string    `json:"currency" doc:"ISO 4217 currency of every value" example:"USD"`
	TotalValue  string    `json:"total_value,omitempty" doc:"Declared total; when given it must equal the sum of the lines"`
	// GrossWeightG is the item's gross weight; 0 when unknown.
	GrossWeightG int            `json:"gross_weight_g,omitempty"`
	Sender       Party          `json:"sender"`
	Addressee    Party          `json:"addressee"`
	ImporterRef  string         `json:"importer_ref,omitempty" maxLength:"40" doc:"Importer reference, e.g. an EU IOSS number IM1234567890"`
	DDP          bool           `json:"ddp,omitempty" doc:"Delivered duty paid: the sender pays duties and taxes"`
	Postal       *PostalInfo    `json:"postal,omitempty"`
	Express      *ExpressInfo   `json:"express,omitempty"`
	Ecommerce    *EcommerceInfo `json:"ecommerce,omitempty"`
	Lines        []Line         `json:"lines" maxItems:"99"`

	// Set by Interpost.
	TotalValueSDR     string `json:"total_value_sdr,omitempty" readOnly:"true" doc:"Total value in SDR (XDR) at the loaded rates"`
	ReferenceValue    string `json:"reference_value,omitempty" readOnly:"true" doc:"Total value in the reference currency of the rules"`
	ReferenceCurrency string `json:"reference_currency,omitempty" readOnly:"true"`
	TotalNetWeightG   int    `json:"total_net_weight_g,omitempty" readOnly:"true"`

	facts *facts // what the risk engine reads, computed once by Validate
}

// facts are what a validated declaration gives the risk engine, computed
// once so that screening never parses text.
type facts struct {
	subject risk.Subject
	key     string // addressee key for the splitting rule
}

// AddresseeKey identifies an addressee across declarations for the splitting
// rule: normalised name, postcode and country.
func (d *Declaration) AddresseeKey() string {
	if d.facts != nil {
		return d.facts.key
	}
	return addresseeKey(d.Addressee)
}

func addresseeKey(p Party) string {
	return risk.NormalizeName(p.Name) + "|" + risk.NormalizeName(p.Postcode) + "|" + p.Country
}

// DestCountry is the country the item goes to.
func (d *Declaration) DestCountry() string { return d.Addressee.Country }

// IsExport reports whether the office clears the item out of its country.
func (d *Declaration) IsExport() bool { return d.Direction == Export }

// TrackingObject is the id tracking knows the item by: the S10 id of a
// postal item, waybill:CARRIER:NUMBER for express, ecommerce:PLATFORM:NUMBER
// for e-commerce (postal.Waybill, postal.Consignment), the number being the
// declaration's id. Codes are upper-cased, blanks and dots become "-".
func (d *Declaration) TrackingObject() string {
	switch {
	case d.Stream == StreamExpress && d.Express != nil:
		return postal.Waybill{Carrier: partyCode(d.Express.Carrier), Number: d.ID}.String()
	case d.Stream == StreamEcommerce && d.Ecommerce != nil:
		return postal.Consignment{Platform: partyCode(d.Ecommerce.Platform), Number: d.ID}.String()
	}
	return d.ID
}

var partyReplacer = strings.NewReplacer(" ", "-", ".", "-")

func partyCode(s string) string { return strings.ToUpper(partyReplacer.Replace(strings.TrimSpace(s))) }
