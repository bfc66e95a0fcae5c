package acceptance

import (
	"time"

	"github.com/interpost/interpost/postal"
)

// Party is a sender or addressee.
type Party struct {
	Name     string `json:"name" maxLength:"100" doc:"Full name of the person, in any script"`
	Company  string `json:"company,omitempty" maxLength:"100"`
	Address  string `json:"address" maxLength:"200" doc:"Street and number"`
	City     string `json:"city" maxLength:"100"`
	State    string `json:"state,omitempty" maxLength:"100"`
	Postcode string `json:"postcode,omitempty" maxLength:"20" doc:"Checked against the country's format and normalised (e.g. \"sw1a1aa\" → \"SW1A 1AA\"); required where the country uses postcodes"`

	// Latin forms for the destination's sorters (UPU addressing practice).
	// Set by the client, or derived by Interpost (pinyin, ICAO 9303) when the
	// field is in another script; empty when the field itself is Latin.
	NameLatin    string `json:"name_latin,omitempty" maxLength:"100" doc:"Name in Latin script; derived (with a warning) when name is Chinese or Cyrillic and this is absent; required when name is in another non-Latin script"`
	CompanyLatin string `json:"company_latin,omitempty" maxLength:"100" doc:"Company in Latin script (derived like name_latin)"`
	AddressLatin string `json:"address_latin,omitempty" maxLength:"200" doc:"Street and number in Latin script (derived like name_latin)"`
	CityLatin    string `json:"city_latin,omitempty" maxLength:"100" doc:"City in Latin script (derived like name_latin)"`
	StateLatin   string `json:"state_latin,omitempty" maxLength:"100" doc:"State or province in Latin script (derived like name_latin)"`
	Country      string `json:"country" doc:"ISO 3166-1 alpha-2 country code" example:"PL"`
	Phone        string `json:"phone,omitempty" maxLength:"30"`
	Email        string `json:"email,omitempty" maxLength:"200"`
	TaxID        string `json:"tax_id,omitempty" maxLength:"40" doc:"Tax/VAT/importer id of this party"`
}

// Latin returns the party as the destination's sorters read it: each field
// replaced by its Latin form where it has one.
func (p Party) Latin() Party {
	for _, f := range latinFields {
		if l := *f.lat(&p); l != "" {
			*f.val(&p) = l
		}
	}
	return p
}

// Line is one article of a customs declaration (a CN 22/CN 23 line).
type Line struct {
	Description   string `json:"description" doc:"Precise description of the article; generic words such as 'gift' or 'goods' are refused"`
	Quantity      int    `json:"quantity"`
	NetWeightG    int    `json:"net_weight_g" doc:"Net weight of the line in grams"`
	Value         string `json:"value" doc:"Value of the whole line as a decimal string, in the declaration currency" example:"24.00"`
	HSCode        string `json:"hs_code,omitempty" doc:"Harmonized System tariff number, 6 to 10 digits; required for commercial items"`
	OriginCountry string `json:"origin_country,omitempty" doc:"ISO 3166-1 alpha-2 country of origin; required for commercial items"`
}

// Declaration is the electronic CN 22/CN 23 of an item.
type Declaration struct {
	Category    string `json:"category" enum:"gift,documents,commercial_sample,returned_goods,sale_of_goods,other"`
	Explanation string `json:"explanation,omitempty" maxLength:"200" doc:"Required when category is other"`
	Currency    string `json:"currency" doc:"ISO 4217 currency of all line values" example:"USD"`
	ImporterRef string `json:"importer_ref,omitempty" maxLength:"40" doc:"Importer reference such as an EU IOSS number"`
	Comments    string `json:"comments,omitempty" maxLength:"300"`
	Invoice     string `json:"invoice,omitempty" maxLength:"60"`
	Lines       []Line `json:"lines" maxItems:"99"`

	// Set by Interpost.
	Form            string `json:"form,omitempty" readOnly:"true" doc:"CN22 or CN23, decided from product and value"`
	TotalValue      string `json:"total_value,omitempty" readOnly:"true"`
	TotalValueSDR   string `json:"total_value_sdr,omitempty" readOnly:"true" doc:"Total value in SDR (XDR) at the rates table of the day"`
	TotalNetWeightG int    `json:"total_net_weight_g,omitempty" readOnly:"true"`
}

// Request is what a merchant sends to create a shipment.
type Request struct {
	Product      string       `json:"product" enum:"ems,parcel,registered-small-packet,small-packet,e-packet"`
	MerchantRef  string       `json:"merchant_ref,omitempty" maxLength:"64" doc:"The merchant's own reference, e.g. its order number"`
	Merchant     string       `json:"merchant,omitempty" doc:"Merchant code; only admins and operators set it, merchants' keys imply it"`
	OriginOffice string       `json:"origin_office,omitempty" doc:"Office the item leaves from (e.g. a warehouse); only admins and operators set it, else the merchant's office"`
	Sender       Party        `json:"sender"`
	Addressee    Party        `json:"addressee"`
	WeightG      int          `json:"weight_g" doc:"Gross weight in grams"`
	DimensionsMM []int        `json:"dimensions_mm" minItems:"3" maxItems:"3" doc:"Length, width, height in millimetres"`
	Declaration  *Declaration `json:"declaration,omitempty" doc:"Customs declaration; required for every item that contains goods"`
	InsuredValue *Money       `json:"insured_value,omitempty" doc:"Value declared for insurance: the item becomes an insured item (V*/CV S10 range, a signature on every handover, compensation up to this value). At most the contents' declared value and the product's and destination's limit (GET /v1/meta/products)"`
}

// Money is an amount as a decimal string with its ISO 4217 currency
// (docs/formats.md).
type Money struct {
	Amount   string `json:"amount" doc:"Decimal string, e.g. \"450.00\"" example:"450.00"`
	Currency string `json:"currency" doc:"ISO 4217 code" example:"USD"`
}

// Insurance is the insurance of an accepted item.
type Insurance struct {
	Value    string `json:"value" doc:"Insured value, decimal string in currency"`
	Currency string `json:"currency"`
	ValueSDR string `json:"value_sdr" doc:"Insured value in SDR (XDR) at the rates table of the day: the most paid on loss, theft or damage"`
	RatesOf  string `json:"rates_of,omitempty" doc:"Date of the rates table used (YYYY-MM-DD)"`
}

// Status of a shipment.
const (
	StatusCreated = "created" // electronic data received, label printable, not yet scanned
)

// Shipment is an accepted item.
type Shipment struct {
	ID           postal.S10   `json:"id" doc:"UPU S10 item id" example:"EE123456785CN"`
	Merchant     string       `json:"merchant"`
	MerchantRef  string       `json:"merchant_ref,omitempty"`
	Product      string       `json:"product"`
	Status       string       `json:"status" enum:"created,accepted,at_outward_oe,export_customs_held,export_customs_released,departed,in_transit,arrived,import_customs_held,import_customs_released,in_delivery_network,at_delivery_office,awaiting_pickup,out_for_delivery,delivery_attempted,delivered,returning,returned,seized" doc:"Lifecycle status derived from the item's tracking events (docs/lifecycle.md)"`
	OriginOffice string       `json:"origin_office,omitempty" doc:"Office of exchange that dispatches the item"`
	Sender       Party        `json:"sender"`
	Addressee    Party        `json:"addressee"`
	WeightG      int          `json:"weight_g"`
	DimensionsMM []int        `json:"dimensions_mm"`
	Declaration  *Declaration `json:"declaration,omitempty"`
	Insured      *Insurance   `json:"insured,omitempty" doc:"Set for insured items"`
	CreatedAt    time.Time    `json:"created_at"`
}

// Merchant is a customer that ships through the post.
type Merchant struct {
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	Office    string    `json:"office" doc:"Office of exchange its items are dispatched from"`
	Country   string    `json:"country"`
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks a merchant record.
func (m Merchant) Validate() error {
	var fe postal.FieldList
	if m.Code == "" || len(m.Code) > 32 {
		fe.Add("code", "required, at most 32 characters")
	}
	if m.Name == "" {
		fe.Add("name", "required")
	}
	if !postal.ValidCountry(m.Country) {
		fe.Add("country", "%q is not an ISO 3166-1 alpha-2 code", m.Country)
	}
	if m.Office == "" {
		fe.Add("office", "required: the office of exchange its items leave from")
	}
	return fe.Err("merchant " + m.Code + " is invalid")
}
