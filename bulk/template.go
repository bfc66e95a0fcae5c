package bulk

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Columns of the upload template in their documented order. Declaration
// lines are item1_… to item99_…; the template shows three.
var Columns = []string{
	"merchant_ref", "product", "origin_office",
	"sender_name", "sender_company", "sender_address", "sender_city", "sender_state", "sender_postcode", "sender_country", "sender_phone", "sender_email", "sender_tax_id",
	"addressee_name", "addressee_company", "addressee_address", "addressee_city", "addressee_state", "addressee_postcode", "addressee_country", "addressee_phone", "addressee_email", "addressee_tax_id",
	"weight_g", "length_mm", "width_mm", "height_mm",
	"category", "explanation", "currency", "importer_ref", "comments", "invoice",
	"item1_description", "item1_quantity", "item1_net_weight_g", "item1_value", "item1_hs_code", "item1_origin_country",
	"item2_description", "item2_quantity", "item2_net_weight_g", "item2_value", "item2_hs_code", "item2_origin_country",
	"item3_description", "item3_quantity", "item3_net_weight_g", "item3_value", "item3_hs_code", "item3_origin_country",
}

// required columns must be in the header (their cells may still be empty,
// and are then reported per row).
var required = []string{"product", "sender_name", "sender_address", "sender_city", "sender_country",
	"addressee_name", "addressee_address", "addressee_city", "addressee_country", "weight_g", "length_mm", "width_mm", "height_mm"}

var (
	itemColumn  = regexp.MustCompile(`^item([1-9][0-9]?)_(description|quantity|net_weight_g|value|hs_code|origin_country)$`)
	fixedColumn = func() map[string]bool {
		m := map[string]bool{}
		for _, c := range Columns {
			if !strings.HasPrefix(c, "item") {
				m[c] = true
			}
		}
		return m
	}()
	linePath = regexp.MustCompile(`^declaration\.lines\[([0-9]+)\]\.(.+)$`)
)

func knownColumn(c string) bool { return fixedColumn[c] || itemColumn.MatchString(c) }

// Column names the template column of an acceptance field path (the Field
// of a postal.FieldError): "addressee.postcode" → "addressee_postcode",
// "declaration.lines[0].value" → "item1_value".
func Column(path string) string {
	if m := linePath.FindStringSubmatch(path); m != nil {
		i, _ := strconv.Atoi(m[1])
		return fmt.Sprintf("item%d_%s", i+1, m[2])
	}
	switch path {
	case "dimensions_mm":
		return "length_mm, width_mm, height_mm"
	case "dimensions_mm[0]":
		return "length_mm"
	case "dimensions_mm[1]":
		return "width_mm"
	case "dimensions_mm[2]":
		return "height_mm"
	case "declaration":
		return "category"
	case "declaration.lines":
		return "item1_description"
	}
	path = strings.TrimPrefix(path, "declaration.")
	return strings.ReplaceAll(path, ".", "_")
}
