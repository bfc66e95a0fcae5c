package acceptance

import (
	"github.com/interpost/interpost/document"
	"github.com/interpost/interpost/postal"
)

// Label returns what the 100 × 150 mm label of sh shows. origin is the
// display name of the dispatching office ("" to show only its code).
func (sh Shipment) Label(origin string) document.Label {
	spec, _ := postal.LookupProduct(sh.Product)
	l := document.Label{
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
	if origin != "" {
		l.Origin += " " + origin
	}
	copy(l.DimensionsMM[:], sh.DimensionsMM)
	if d := sh.Declaration; d != nil {
		ld := &document.Declaration{
			Form: d.Form, Category: d.Category, Explanation: d.Explanation, Currency: d.Currency,
			TotalValue: d.TotalValue, TotalNetWeightG: d.TotalNetWeightG, ImporterRef: d.ImporterRef, Comments: d.Comments,
		}
		for _, ln := range d.Lines {
			ld.Lines = append(ld.Lines, document.DeclarationLine{
				Description: ln.Description, Quantity: ln.Quantity, NetWeightG: ln.NetWeightG,
				Value: ln.Value, HSCode: ln.HSCode, OriginCountry: ln.OriginCountry,
			})
		}
		l.Declaration = ld
	}
	return l
}

func labelParty(p Party) document.Party {
	name, _ := postal.CountryName(p.Country)
	return document.Party{
		Name: p.Name, Company: p.Company, Address: p.Address, City: p.City, State: p.State,
		Postcode: p.Postcode, Country: p.Country, CountryName: name, Phone: p.Phone,
	}
}
