package ceb

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// China is the zone of the times CEB messages carry (YYYYMMDDhhmmss has no offset; the single
// window runs on Beijing time). Fixed, so nothing depends on the machine's zone.
var China = time.FixedZone("CST", 8*3600)

// Time formats t as YYYYMMDDhhmmss in Beijing time.
func Time(t time.Time) string { return t.In(China).Format(ts14) }

// ParseTime reads YYYYMMDDhhmmss or YYYYMMDDhhmmssSSS in Beijing time.
func ParseTime(s string) (time.Time, error) {
	switch len(s) {
	case 14:
		return time.ParseInLocation(ts14, s, China)
	case 17:
		return time.ParseInLocation(ts17, s[:14]+"."+s[14:], China)
	}
	return time.Time{}, fmt.Errorf("time %s: want YYYYMMDDhhmmss or YYYYMMDDhhmmssSSS", quoteShort(s))
}

// Decimal is an N19,5 value as written ("12.5").
type Decimal string

// Minor makes a Decimal of an amount in 1/10^places units: Minor(1250, 2) = "12.50".
func Minor(v int64, places int) Decimal {
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v, 10)
	if places > 0 {
		for len(s) <= places {
			s = "0" + s
		}
		s = s[:len(s)-places] + "." + s[len(s)-places:]
	}
	if neg {
		s = "-" + s
	}
	return Decimal(s)
}

// Transfer is BaseTransfer: who transmits the message over the DXP.
type Transfer struct {
	CopCode string `json:"copCode"`
	CopName string `json:"copName"`
	DxpMode string `json:"dxpMode"` // "DXP" when empty
	DxpID   string `json:"dxpId"`
	Note    string `json:"note,omitempty"`
}

func (t Transfer) element() *Element {
	e := &Element{Space: Namespace, Name: "BaseTransfer"}
	e.leaf("copCode", t.CopCode, false)
	e.leaf("copName", t.CopName, false)
	e.leaf("dxpMode", cmp(t.DxpMode, "DXP"), false)
	e.leaf("dxpId", t.DxpID, false)
	e.leaf("note", t.Note, true)
	return e
}

func transferOf(e *Element) Transfer {
	return Transfer{CopCode: e.Get("copCode"), CopName: e.Get("copName"), DxpMode: e.Get("dxpMode"), DxpID: e.Get("dxpId"), Note: e.Get("note")}
}

func cmp(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// newMessage starts a message of type typ with its root attributes.
func newMessage(typ, guid string) *Message {
	s, ok := schemas[typ]
	if !ok {
		panic("ceb: unknown type " + typ)
	}
	root := &Element{Space: Namespace, Name: typ + "Message", Attrs: []xml.Attr{
		{Name: xml.Name{Local: "guid"}, Value: guid},
		{Name: xml.Name{Local: "version"}, Value: "1.0"},
	}}
	return &Message{Schema: s, Root: root}
}

// Declared is what every declaration entity carries in its head.
type Declared struct {
	GUID      string    `json:"guid"`
	AppType   string    `json:"appType"`   // 1 new, 2 change, 3 delete; "1" when empty
	AppTime   time.Time `json:"appTime"`   // written YYYYMMDDhhmmss, Beijing time
	AppStatus string    `json:"appStatus"` // 1 stored, 2 declared; "2" when empty
}

func (d Declared) leaves(e *Element) {
	e.leaf("guid", d.GUID, false)
	e.leaf("appType", cmp(d.AppType, "1"), false)
	e.leaf("appTime", Time(d.AppTime), false)
	e.leaf("appStatus", cmp(d.AppStatus, "2"), false)
}

func declaredOf(e *Element) Declared {
	t, _ := ParseTime(e.Get("appTime"))
	return Declared{GUID: e.Get("guid"), AppType: e.Get("appType"), AppTime: t, AppStatus: e.Get("appStatus")}
}

// Waybill is a CEB511 Logistics entity: the logistics enterprise's waybill of one import parcel.
type Waybill struct {
	Declared
	LogisticsCode      string  `json:"logisticsCode"`
	LogisticsName      string  `json:"logisticsName"`
	LogisticsNo        string  `json:"logisticsNo"` // the parcel's label number (S10 for the post)
	BillNo             string  `json:"billNo,omitempty"`
	OrderNo            string  `json:"orderNo"`
	Freight            Decimal `json:"freight,omitempty"`
	InsuredFee         Decimal `json:"insuredFee,omitempty"`
	Currency           string  `json:"currency"` // "142" when empty
	Weight             Decimal `json:"weight"`   // kg
	PackNo             int     `json:"packNo"`   // 1 when 0
	GoodsInfo          string  `json:"goodsInfo,omitempty"`
	Consignee          string  `json:"consignee"`
	ConsigneeAddress   string  `json:"consigneeAddress"`
	ConsigneeTelephone string  `json:"consigneeTelephone"`
	Note               string  `json:"note,omitempty"`
}

// NewWaybills builds a CEB511 message.
func NewWaybills(guid string, t Transfer, ws ...Waybill) *Message {
	m := newMessage("CEB511", guid)
	for _, w := range ws {
		h := m.Root.group("Logistics").group("LogisticsHead")
		w.leaves(h)
		h.leaf("logisticsCode", w.LogisticsCode, false)
		h.leaf("logisticsName", w.LogisticsName, false)
		h.leaf("logisticsNo", w.LogisticsNo, false)
		h.leaf("billNo", w.BillNo, true)
		h.leaf("orderNo", w.OrderNo, false)
		h.leaf("freight", string(w.Freight), true)
		h.leaf("insuredFee", string(w.InsuredFee), true)
		h.leaf("currency", cmp(w.Currency, "142"), false)
		h.leaf("weight", string(w.Weight), false)
		h.leaf("packNo", strconv.Itoa(max(w.PackNo, 1)), false)
		h.leaf("goodsInfo", w.GoodsInfo, true)
		h.leaf("consignee", w.Consignee, false)
		h.leaf("consigneeAddress", w.ConsigneeAddress, false)
		h.leaf("consigneeTelephone", w.ConsigneeTelephone, false)
		h.leaf("note", w.Note, true)
	}
	m.Root.Children = append(m.Root.Children, t.element())
	return m
}

// Waybills reads the entities of a CEB511 message.
func (m *Message) Waybills() []Waybill {
	var out []Waybill
	for _, l := range m.Root.All("Logistics") {
		h := l.Child("LogisticsHead")
		pack, _ := strconv.Atoi(h.Get("packNo"))
		out = append(out, Waybill{
			Declared: declaredOf(h), LogisticsCode: h.Get("logisticsCode"), LogisticsName: h.Get("logisticsName"),
			LogisticsNo: h.Get("logisticsNo"), BillNo: h.Get("billNo"), OrderNo: h.Get("orderNo"),
			Freight: Decimal(h.Get("freight")), InsuredFee: Decimal(h.Get("insuredFee")), Currency: h.Get("currency"),
			Weight: Decimal(h.Get("weight")), PackNo: pack, GoodsInfo: h.Get("goodsInfo"), Consignee: h.Get("consignee"),
			ConsigneeAddress: h.Get("consigneeAddress"), ConsigneeTelephone: h.Get("consigneeTelephone"), Note: h.Get("note"),
		})
	}
	return out
}

// Transfer reads the message's BaseTransfer (zero for receipts, which have none).
func (m *Message) Transfer() Transfer {
	if e := m.Root.Child("BaseTransfer"); e != nil {
		return transferOf(e)
	}
	return Transfer{}
}

// GUID is the message's guid attribute.
func (m *Message) GUID() string { return m.Root.Attr("guid") }

// DeliveryStatus is a CEB513 LogisticsStatus entity: the parcel was signed for.
type DeliveryStatus struct {
	Declared
	LogisticsCode   string    `json:"logisticsCode"`
	LogisticsName   string    `json:"logisticsName"`
	LogisticsNo     string    `json:"logisticsNo"`
	LogisticsStatus string    `json:"logisticsStatus"` // "S" (signed for) when empty: the only value the XSD allows
	LogisticsTime   time.Time `json:"logisticsTime"`
	Note            string    `json:"note,omitempty"`
}

// NewDeliveryStatuses builds a CEB513 message.
func NewDeliveryStatuses(guid string, t Transfer, ds ...DeliveryStatus) *Message {
	m := newMessage("CEB513", guid)
	for _, d := range ds {
		e := m.Root.group("LogisticsStatus")
		d.leaves(e)
		e.leaf("logisticsCode", d.LogisticsCode, false)
		e.leaf("logisticsName", d.LogisticsName, false)
		e.leaf("logisticsNo", d.LogisticsNo, false)
		e.leaf("logisticsStatus", cmp(d.LogisticsStatus, "S"), false)
		e.leaf("logisticsTime", Time(d.LogisticsTime), false)
		e.leaf("note", d.Note, true)
	}
	m.Root.Children = append(m.Root.Children, t.element())
	return m
}

// DeliveryStatuses reads the entities of a CEB513 message.
func (m *Message) DeliveryStatuses() []DeliveryStatus {
	var out []DeliveryStatus
	for _, e := range m.Root.All("LogisticsStatus") {
		t, _ := ParseTime(e.Get("logisticsTime"))
		out = append(out, DeliveryStatus{Declared: declaredOf(e), LogisticsCode: e.Get("logisticsCode"),
			LogisticsName: e.Get("logisticsName"), LogisticsNo: e.Get("logisticsNo"),
			LogisticsStatus: e.Get("logisticsStatus"), LogisticsTime: t, Note: e.Get("note")})
	}
	return out
}

// Receipt is one entity of a receipt from customs (CEB312, 412, 512, 514, 622, … 702): the keys
// naming the document it answers, and the status.
type Receipt struct {
	GUID   string    `json:"guid"`
	Keys   []Field   `json:"keys"`         // e.g. logisticsCode, logisticsNo, in message order
	Status string    `json:"returnStatus"` // see DescribeStatus; unknown values are kept
	Time   time.Time `json:"returnTime"`
	Info   string    `json:"returnInfo"`
}

// Field is one named value.
type Field struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Key returns the value of the key named name.
func (r Receipt) Key(name string) string {
	for _, f := range r.Keys {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// Receipts reads the entities of a receipt message; it returns nil for other messages.
func (m *Message) Receipts() []Receipt {
	if !m.Schema.Receipt {
		return nil
	}
	entity := m.Schema.Root.Children[0].Name
	var out []Receipt
	for _, e := range m.Root.All(entity) {
		r := Receipt{}
		for _, c := range e.Children {
			switch c.Name {
			case "guid":
				r.GUID = c.Text
			case "returnStatus":
				r.Status = strings.TrimSpace(c.Text)
			case "returnTime":
				r.Time, _ = ParseTime(c.Text)
			case "returnInfo":
				r.Info = c.Text
			default:
				r.Keys = append(r.Keys, Field{Name: c.Name, Value: c.Text})
			}
		}
		out = append(out, r)
	}
	return out
}

// NewReceipts builds a receipt message of type typ (e.g. "CEB512"): each receipt's keys must be
// the entity's other elements, in schema order.
func NewReceipts(typ, guid string, rs ...Receipt) (*Message, error) {
	s, ok := schemas[typ]
	if !ok || !s.Receipt {
		return nil, fmt.Errorf("%s is not a receipt type", typ)
	}
	m := newMessage(typ, guid)
	ent := s.Root.Children[0]
	for _, r := range rs {
		e := m.Root.group(ent.Name)
		for _, c := range ent.Children {
			switch c.Name {
			case "guid":
				e.leaf("guid", r.GUID, false)
			case "returnStatus":
				e.leaf("returnStatus", r.Status, false)
			case "returnTime":
				e.leaf("returnTime", strings.Replace(r.Time.In(China).Format(ts17), ".", "", 1), false)
			case "returnInfo":
				e.leaf("returnInfo", r.Info, false)
			default:
				e.leaf(c.Name, r.Key(c.Name), c.Min == 0)
			}
		}
	}
	return m, nil
}
