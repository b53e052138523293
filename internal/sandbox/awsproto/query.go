package awsproto

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/url"
	"strconv"
)

// ServeQuery serves an awsQuery request (Action and Version form fields, in
// a POST body or the URL's query).
func (rt *Router) ServeQuery(w http.ResponseWriter, r *http.Request, requestID string, invoke Invoker) {
	form, aerr := queryForm(w, r)
	if aerr != nil {
		writeQueryError(w, "", requestID, aerr)
		return
	}
	action, version := form.Get("Action"), form.Get("Version")
	if action == "" {
		writeQueryError(w, "", requestID, ClientErr("MissingAction",
			"the request names no Action (and no X-Amz-Target): the sandbox cannot tell which AWS API it is for"))
		return
	}
	svc, ok := rt.query[version]
	op := svc.ops[action]
	if !ok || op == nil {
		writeQueryError(w, svc.namespace, requestID, ClientErr("InvalidAction",
			"%s", rt.notEmulated(action+" (API version "+version+")", ok, SortedKeys(svc.ops))))
		return
	}
	out, err := invoke(r, requestID, func(c *Call) (any, error) { return op(c, form) })
	if svc.ec2 {
		writeEC2(w, action, svc.namespace, requestID, out, err)
		return
	}
	if err != nil {
		writeQueryError(w, svc.namespace, requestID, AsError(err))
		return
	}
	var buf bytes.Buffer
	enc := xml.NewEncoder(&buf)
	start := xml.StartElement{Name: xml.Name{Local: action + "Response"},
		Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: svc.namespace}}}
	meta := struct {
		RequestID string `xml:"RequestId"`
	}{requestID}
	err = enc.EncodeToken(start)
	if err == nil && out != nil {
		err = enc.EncodeElement(out, xml.StartElement{Name: xml.Name{Local: action + "Result"}})
	}
	if err == nil {
		err = enc.EncodeElement(meta, xml.StartElement{Name: xml.Name{Local: "ResponseMetadata"}})
	}
	if err == nil {
		err = enc.EncodeToken(start.End())
	}
	if err == nil {
		err = enc.Flush()
	}
	if err != nil {
		writeQueryError(w, svc.namespace, requestID, ServerErr("InternalFailure", "encode the response: %v", err))
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
}

// queryForm reads the form of a query request: the URL's query plus, for a
// POST, the url-encoded body.
func queryForm(w http.ResponseWriter, r *http.Request) (url.Values, *Error) {
	form, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, ClientErr("MalformedQueryString", "the URL's query string is malformed: %v", err)
	}
	if r.Method == http.MethodPost {
		body, aerr := readAPIBody(w, r)
		if aerr != nil {
			aerr.Code = "MalformedQueryString"
			return nil, aerr
		}
		posted, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, ClientErr("MalformedQueryString", "the request body is not a url-encoded form: %v", err)
		}
		for k, v := range posted {
			form[k] = append(form[k], v...)
		}
	}
	return form, nil
}

// writeQueryError writes the awsQuery error envelope.
func writeQueryError(w http.ResponseWriter, namespace, requestID string, e *Error) {
	type errorBody struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	doc := struct {
		XMLName   xml.Name  `xml:"ErrorResponse"`
		Xmlns     string    `xml:"xmlns,attr,omitempty"`
		Error     errorBody `xml:"Error"`
		RequestID string    `xml:"RequestId"`
	}{Xmlns: namespace, Error: errorBody{Type: "Sender", Code: e.Code, Message: e.Message}, RequestID: requestID}
	if e.Receiver {
		doc.Error.Type = "Receiver"
	}
	data, _ := xml.Marshal(doc)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(e.Status)
	_, _ = w.Write(data)
}

// EC2Reply is the response value of an ec2Query operation: a struct whose
// fields are the children of <OperationResponse>, with EC2Meta embedded.
type EC2Reply interface{ setRequestID(id string) }

// EC2Meta carries the lower-case requestId of every ec2Query response.
type EC2Meta struct {
	RequestID string `xml:"requestId"`
}

func (m *EC2Meta) setRequestID(id string) { m.RequestID = id }

// writeEC2 writes an ec2Query response or error envelope.
func writeEC2(w http.ResponseWriter, action, namespace, requestID string, out any, err error) {
	var data []byte
	if err == nil {
		if r, ok := out.(EC2Reply); ok {
			r.setRequestID(requestID)
		}
		start := xml.StartElement{Name: xml.Name{Local: action + "Response"},
			Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: namespace}}}
		var buf bytes.Buffer
		if err = xml.NewEncoder(&buf).EncodeElement(out, start); err == nil {
			data = buf.Bytes()
		} else {
			err = ServerErr("InternalError", "encode the response: %v", err)
		}
	}
	status := http.StatusOK
	if err != nil {
		e := AsError(err)
		status = e.Status
		type ec2Error struct {
			Code    string `xml:"Code"`
			Message string `xml:"Message"`
		}
		doc := struct {
			XMLName   xml.Name   `xml:"Response"`
			Errors    []ec2Error `xml:"Errors>Error"`
			RequestID string     `xml:"RequestID"`
		}{Errors: []ec2Error{{Code: e.Code, Message: e.Message}}, RequestID: requestID}
		data, _ = xml.Marshal(doc)
	}
	w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
