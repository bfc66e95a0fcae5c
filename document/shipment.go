package document

import (
	"strings"
	"time"

	"github.com/interpost/interpost/acceptance"
	"github.com/interpost/interpost/postal"
)

// ShipmentLabel returns what the 100 × 150 mm label of sh shows, for
// WriteLabel. origin is the display name of the dispatching office ("" to
// show only its code), tz its IANA time zone (network.Office.TZ), in which
// the label's dates print ("" or unknown: UTC).
func ShipmentLabel(sh acceptance.Shipment, origin, tz string) Label {
	spec, _ := postal.LookupProduct(sh.Product)
	l := Label{
		ItemID:        string(sh.ID),
		Product:       spec.Name,
		ServiceLetter: spec.ServiceLetter,
		Origin:        sh.OriginOffice,
		MerchantRef:   sh.MerchantRef,
		AcceptedAt:    sh.CreatedAt,
		WeightG:       sh.WeightG,
		Sender:        labelParty(sh.Sender),
		Addressee:     labelParty(sh.Addressee),
		Signature:     sh.Sender.Name,
	}
	if loc, err := time.LoadLocation(tz); err == nil && tz != "" {
		l.Zone = loc
	}
	if origin != "" {
		l.Origin += " " + origin
	}
	copy(l.DimensionsMM[:], sh.DimensionsMM)
	if in := sh.Insured; in != nil {
		l.Insured = in.Value + " " + in.Currency + " (" + in.ValueSDR + " SDR)"
	}
	if d := sh.Declaration; d != nil {
		ld := &Declaration{
			Form: d.Form, Category: d.Category, Explanation: d.Explanation, Currency: d.Currency,
			TotalValue: d.TotalValue, TotalNetWeightG: d.TotalNetWeightG, ImporterRef: d.ImporterRef, Comments: d.Comments,
		}
		for _, ln := range d.Lines {
			ld.Lines = append(ld.Lines, DeclarationLine{
				Description: ln.Description, Quantity: ln.Quantity, NetWeightG: ln.NetWeightG,
				Value: ln.Value, HSCode: ln.HSCode, OriginCountry: ln.OriginCountry,
			})
		}
		l.Declaration = ld
	}
	return l
}

func labelParty(p acceptance.Party) Party {
	name, _ := postal.CountryName(p.Country)
	return Party{
		Name: p.Name, Company: p.Company, Address: p.Address, City: p.City, State: p.State,
		Postcode: p.Postcode, Country: p.Country, CountryName: name, Phone: p.Phone,
		NameLatin: differs(p.NameLatin, p.Name), AddressLatin: differs(p.AddressLatin, p.Address), CityLatin: differs(p.CityLatin, p.City),
	}
}

// differs returns latin unless it only repeats the field it is the Latin form of.
func differs(latin, field string) string {
	if latin = strings.TrimSpace(latin); strings.EqualFold(latin, strings.TrimSpace(field)) {
		return ""
	}
	return latin
}

func englishName(code string) string {
	name, _ := postal.CountryName(strings.ToUpper(strings.TrimSpace(code)))
	return name
}
