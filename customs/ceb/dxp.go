package ceb

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// TransInfo is the DxpMsg routing header (终端节点报文), namespace DxpNamespace. Facets from the
// DXP XSD's TransInfoType: CopMsgId 1..255 characters, SenderId and each ReceiverId 1..16
// (at most 5 receivers), CreatTime xs:dateTime, MsgType 0..30.
type TransInfo struct {
	CopMsgID    string    `json:"copMsgId"`
	SenderID    string    `json:"senderId"`
	ReceiverIDs []string  `json:"receiverIds"`
	CreatTime   time.Time `json:"creatTime"`
	MsgType     string    `json:"msgType"` // the CEB type, e.g. CEB511Message
}

// dxpMsg is the wire shape: encoding/xml suffices for this small fixed envelope.
type dxpMsg struct {
	XMLName   xml.Name `xml:"http://www.chinaport.gov.cn/dxp DxpMsg"`
	Ver       string   `xml:"ver,attr,omitempty"`
	TransInfo *struct {
		CopMsgID    *string `xml:"http://www.chinaport.gov.cn/dxp CopMsgId"`
		SenderID    *string `xml:"http://www.chinaport.gov.cn/dxp SenderId"`
		ReceiverIDs *struct {
			ReceiverID []string `xml:"http://www.chinaport.gov.cn/dxp ReceiverId"`
		} `xml:"http://www.chinaport.gov.cn/dxp ReceiverIds"`
		CreatTime *string `xml:"http://www.chinaport.gov.cn/dxp CreatTime"`
		MsgType   *string `xml:"http://www.chinaport.gov.cn/dxp MsgType"`
	} `xml:"http://www.chinaport.gov.cn/dxp TransInfo"`
	Data *string `xml:"http://www.chinaport.gov.cn/dxp Data"`
}

// WrapDxp puts a CEB message (its XML bytes) into a DxpMsg envelope, base64 in Data.
func WrapDxp(payload []byte, ti TransInfo) ([]byte, error) {
	if ps := ti.check(); len(ps) > 0 {
		return nil, ps
	}
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	b.WriteString(`<dxp:DxpMsg xmlns:dxp="` + DxpNamespace + `" ver="1.0">` + "\n  <dxp:TransInfo>\n")
	leaf := func(name, v string) {
		b.WriteString("    <dxp:" + name + ">")
		escape(&b, v)
		b.WriteString("</dxp:" + name + ">\n")
	}
	leaf("CopMsgId", ti.CopMsgID)
	leaf("SenderId", ti.SenderID)
	b.WriteString("    <dxp:ReceiverIds>\n")
	for _, r := range ti.ReceiverIDs {
		b.WriteString("  ")
		leaf("ReceiverId", r)
	}
	b.WriteString("    </dxp:ReceiverIds>\n")
	leaf("CreatTime", ti.CreatTime.In(China).Format("2006-01-02T15:04:05.000-07:00"))
	leaf("MsgType", ti.MsgType)
	b.WriteString("  </dxp:TransInfo>\n  <dxp:Data>")
	b.WriteString(base64.StdEncoding.EncodeToString(payload))
	b.WriteString("</dxp:Data>\n</dxp:DxpMsg>\n")
	return b.Bytes(), nil
}

func (ti TransInfo) check() Problems {
	var ps Problems
	str := func(name, v string, min, max int) {
		n := utf8.RuneCountInString(v)
		switch {
		case n < min:
			ps = append(ps, Problem{"/DxpMsg/TransInfo/" + name, "missing (required)"})
		case n > max:
			ps = append(ps, Problem{"/DxpMsg/TransInfo/" + name, fmt.Sprintf("%s, at most %d", chars(n), max)})
		}
	}
	str("CopMsgId", ti.CopMsgID, 1, 255)
	str("SenderId", ti.SenderID, 1, 16)
	if len(ti.ReceiverIDs) == 0 || len(ti.ReceiverIDs) > 5 {
		ps = append(ps, Problem{"/DxpMsg/TransInfo/ReceiverIds", fmt.Sprintf("%d receivers, want 1 to 5", len(ti.ReceiverIDs))})
	}
	for i, r := range ti.ReceiverIDs {
		str(fmt.Sprintf("ReceiverIds/ReceiverId[%d]", i+1), r, 1, 16)
	}
	if ti.CreatTime.IsZero() {
		ps = append(ps, Problem{"/DxpMsg/TransInfo/CreatTime", "missing (required)"})
	}
	str("MsgType", ti.MsgType, 0, 30)
	return ps
}

// IsDxp reports whether data looks like a DxpMsg envelope (cheap sniff of the root name).
func IsDxp(data []byte) bool {
	i := bytes.Index(data, []byte("DxpMsg"))
	return i >= 0 && i < 512
}

// UnwrapDxp reads a DxpMsg envelope and returns its header and the decoded CEB payload.
func UnwrapDxp(data []byte) (TransInfo, []byte, error) {
	var m dxpMsg
	if err := xml.Unmarshal(data, &m); err != nil {
		if strings.Contains(err.Error(), "expected element type") {
			return TransInfo{}, nil, Problems{{"/", "not a DxpMsg in namespace " + DxpNamespace + ": " + err.Error()}}
		}
		return TransInfo{}, nil, Problems{{"/", "malformed XML: " + err.Error()}}
	}
	var ps Problems
	missing := func(p string) { ps = append(ps, Problem{p, "missing (required)"}) }
	ti := TransInfo{}
	if t := m.TransInfo; t == nil {
		missing("/DxpMsg/TransInfo")
	} else {
		get := func(name string, p *string) string {
			if p == nil {
				missing("/DxpMsg/TransInfo/" + name)
				return ""
			}
			return strings.TrimSpace(*p)
		}
		ti.CopMsgID, ti.SenderID, ti.MsgType = get("CopMsgId", t.CopMsgID), get("SenderId", t.SenderID), get("MsgType", t.MsgType)
		if t.ReceiverIDs == nil {
			missing("/DxpMsg/TransInfo/ReceiverIds")
		} else {
			ti.ReceiverIDs = t.ReceiverIDs.ReceiverID
		}
		if ct := get("CreatTime", t.CreatTime); ct != "" {
			var err error
			if ti.CreatTime, err = parseDateTime(ct); err != nil {
				ps = append(ps, Problem{"/DxpMsg/TransInfo/CreatTime", err.Error()})
			}
		}
		if len(ps) == 0 {
			ps = ti.check()
		}
	}
	var payload []byte
	if m.Data == nil {
		missing("/DxpMsg/Data")
	} else {
		var err error
		payload, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(*m.Data), ""))
		if err != nil {
			ps = append(ps, Problem{"/DxpMsg/Data", "not base64: " + err.Error()})
		}
	}
	if len(ps) > 0 {
		return ti, nil, ps
	}
	return ti, payload, nil
}

// parseDateTime reads an xs:dateTime; without a zone it is Beijing time.
func parseDateTime(s string) (time.Time, error) {
	for _, l := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		loc := time.UTC
		if !strings.HasSuffix(l, "07:00") {
			loc = China
		}
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s is not an xs:dateTime (2026-12-07T10:00:00+08:00)", quoteShort(s))
}
