package cloudflaretest

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"time"
)

// The DNS record errors the double answers with. 81053 and 81057 are the codes Cloudflare
// answers for a record beside another of the same name (its troubleshooting page "Records with
// the same name" states the rule); the others follow the same envelope and are the double's
// best knowledge: callers must rely on the status and the meaning, not on a code.
var (
	errSameHost = apiError{Code: 81053, Message: "An A, AAAA, or CNAME record with that host already exists. " +
		"For more details, refer to <https://developers.cloudflare.com/dns/manage-dns-records/troubleshooting/records-with-same-name/>."}
	errNotProxiable = apiError{Code: 9041, Message: "This record type cannot be proxied."}
)

// dnsBody is a record as clients send it; absent fields are nil (PATCH keeps them).
type dnsBody struct {
	Name    *string `json:"name"`
	Type    *string `json:"type"`
	Content *string `json:"content"`
	Proxied *bool   `json:"proxied"`
	TTL     *int    `json:"ttl"`
	Comment *string `json:"comment"`
}

// dnsJSON is a record as the API returns it.
func dnsJSON(z *zone, d DNSRecord) map[string]any {
	ts := z.created.Format(time.RFC3339Nano)
	out := map[string]any{"id": d.ID, "zone_id": z.id, "zone_name": z.name,
		"name": d.Name, "type": d.Type, "content": d.Content, "proxiable": proxiable(d.Type),
		"proxied": d.Proxied, "ttl": d.TTL, "settings": map[string]any{}, "meta": map[string]any{},
		"tags": []string{}, "created_on": ts, "modified_on": ts}
	if d.Comment != "" {
		out["comment"] = d.Comment
	}
	return out
}

func proxiable(typ string) bool { return typ == "A" || typ == "AAAA" || typ == "CNAME" }

// listDNSRecords serves GET dns_records?name=&type=, one page of them.
func (s *Server) listDNSRecords(w http.ResponseWriter, r *http.Request) {
	z := s.zoneFor(w, r)
	if z == nil {
		return
	}
	q := r.URL.Query()
	out := []any{}
	for _, d := range z.dns {
		if (q.Get("name") == "" || strings.EqualFold(d.Name, q.Get("name"))) && (q.Get("type") == "" || d.Type == q.Get("type")) {
			out = append(out, dnsJSON(z, d))
		}
	}
	writePage(w, out, num(q.Get("page"), 1), num(q.Get("per_page"), 100))
}

// dnsRecordFor answers 404 (code 81044, "Record does not exist.") for an id the zone lacks.
func dnsRecordFor(w http.ResponseWriter, r *http.Request, z *zone) int {
	i := slices.IndexFunc(z.dns, func(d DNSRecord) bool { return d.ID == r.PathValue("id") })
	if i < 0 {
		writeError(w, http.StatusNotFound, apiError{Code: 81044, Message: "Record does not exist."})
	}
	return i
}

func (s *Server) getDNSRecord(w http.ResponseWriter, r *http.Request) {
	z := s.zoneFor(w, r)
	if z == nil {
		return
	}
	if i := dnsRecordFor(w, r, z); i >= 0 {
		writeResult(w, dnsJSON(z, z.dns[i]))
	}
}

// apply sets the fields present in b; a relative name is completed with the zone's.
func (d *DNSRecord) apply(z *zone, b dnsBody) {
	if b.Name != nil {
		d.Name = strings.ToLower(strings.TrimSuffix(*b.Name, "."))
		if d.Name == "@" {
			d.Name = z.name
		} else if d.Name != z.name && !strings.HasSuffix(d.Name, "."+z.name) {
			d.Name += "." + z.name
		}
	}
	if b.Type != nil {
		d.Type = *b.Type
	}
	if b.Content != nil {
		d.Content = strings.TrimSuffix(*b.Content, ".")
	}
	if b.Proxied != nil {
		d.Proxied = *b.Proxied
	}
	if b.TTL != nil {
		d.TTL = *b.TTL
	}
	if b.Comment != nil {
		d.Comment = *b.Comment
	}
	if d.TTL == 0 {
		d.TTL = 1
	}
}

// checkDNSRecord refuses what Cloudflare refuses of a record in zone z (others are the
// zone's other records): a CNAME beside another A, AAAA or CNAME of the same name (and any
// record beside a CNAME), a CNAME whose content is not a host name or is its own name, a
// proxied record of a type that cannot be proxied, and a proxied record whose TTL is not
// automatic.
func checkDNSRecord(d DNSRecord, others []DNSRecord) *apiError {
	if d.Type == "CNAME" {
		if net.ParseIP(d.Content) != nil || !strings.Contains(d.Content, ".") || strings.ContainsAny(d.Content, "/: ") {
			return &apiError{Code: 9007, Source: &source{"/content"}, Message: "Content for CNAME record is invalid."}
		}
		if strings.EqualFold(d.Content, d.Name) {
			return &apiError{Code: 9007, Source: &source{"/content"}, Message: "CNAME content cannot reference itself."}
		}
	}
	if d.Proxied && !proxiable(d.Type) {
		e := errNotProxiable
		return &e
	}
	if d.Proxied && d.TTL != 1 {
		return &apiError{Code: 9008, Source: &source{"/ttl"}, Message: "A proxied record must have an automatic TTL (1)."}
	}
	for _, o := range others {
		if o.ID == d.ID || !strings.EqualFold(o.Name, d.Name) {
			continue
		}
		if o.Type == d.Type && o.Content == d.Content {
			return &apiError{Code: 81057, Message: "Record already exists."}
		}
		if (d.Type == "CNAME" && proxiable(o.Type)) || o.Type == "CNAME" {
			e := errSameHost
			return &e
		}
	}
	return nil
}

func (s *Server) createDNSRecord(w http.ResponseWriter, r *http.Request) {
	z := s.zoneFor(w, r)
	if z == nil {
		return
	}
	var b dnsBody
	if !decode(w, r, &b) {
		return
	}
	d := DNSRecord{ID: newID()}
	d.apply(z, b)
	if e := checkDNSRecord(d, z.dns); e != nil {
		writeError(w, http.StatusBadRequest, *e)
		return
	}
	z.dns = append(z.dns, d)
	writeResult(w, dnsJSON(z, d))
}

// updateDNSRecord serves PUT (the record becomes the one sent: absent optional fields reset)
// and PATCH (only the fields sent change).
func (s *Server) updateDNSRecord(w http.ResponseWriter, r *http.Request) {
	z := s.zoneFor(w, r)
	if z == nil {
		return
	}
	i := dnsRecordFor(w, r, z)
	if i < 0 {
		return
	}
	var b dnsBody
	if !decode(w, r, &b) {
		return
	}
	d := z.dns[i]
	if r.Method == http.MethodPut {
		d = DNSRecord{ID: d.ID}
	}
	d.apply(z, b)
	if d.Type == "" || d.Name == "" || d.Content == "" {
		writeError(w, http.StatusBadRequest, apiError{Code: 9000, Message: fmt.Sprintf("a record needs type, name and content; got %q %q %q", d.Type, d.Name, d.Content)})
		return
	}
	if e := checkDNSRecord(d, z.dns); e != nil {
		writeError(w, http.StatusBadRequest, *e)
		return
	}
	z.dns = slices.Clone(z.dns)
	z.dns[i] = d
	writeResult(w, dnsJSON(z, d))
}

func (s *Server) deleteDNSRecord(w http.ResponseWriter, r *http.Request) {
	z := s.zoneFor(w, r)
	if z == nil {
		return
	}
	if i := dnsRecordFor(w, r, z); i >= 0 {
		id := z.dns[i].ID
		z.dns = slices.Delete(slices.Clone(z.dns), i, i+1)
		writeResult(w, map[string]any{"id": id})
	}
}
