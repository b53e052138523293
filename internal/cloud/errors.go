package cloud

import (
	"errors"
	"fmt"
	"net"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// Kind classifies an AWS error by what the learner can do about it.
type Kind int

// The kinds of AWS error.
const (
	// KindOther is any other error: a bug, or an unexpected API answer.
	KindOther Kind = iota
	// KindNotFound: the resource does not exist.
	KindNotFound
	// KindAccessDenied: the credentials lack a permission.
	KindAccessDenied
	// KindThrottled: AWS kept throttling after the SDK's retries.
	KindThrottled
	// KindNoCredentials: no credentials were found, or they are invalid or expired.
	KindNoCredentials
	// KindUnreachable: the endpoint could not be reached.
	KindUnreachable
)

// Classify returns the kind of err.
func Classify(err error) Kind {
	if err == nil {
		return KindOther
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code := apiErr.ErrorCode()
		switch {
		case code == "AccessDenied" || code == "AccessDeniedException" || code == "UnauthorizedOperation" ||
			code == "UnauthorizedAccess":
			return KindAccessDenied
		case code == "ExpiredToken" || code == "ExpiredTokenException" || code == "InvalidClientTokenId" ||
			code == "UnrecognizedClientException" || code == "SignatureDoesNotMatch" || code == "InvalidSignatureException":
			return KindNoCredentials
		case retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err).Bool() ||
			strings.Contains(code, "Throttl") || code == "TooManyRequestsException" || code == "RequestLimitExceeded":
			return KindThrottled
		case strings.HasSuffix(code, "NotFound") || strings.HasSuffix(code, "NotFoundException") ||
			code == "NoSuchEntity":
			return KindNotFound
		}
	}
	var maxAttempts *retry.MaxAttemptsError
	if errors.As(err, &maxAttempts) && strings.Contains(strings.ToLower(err.Error()), "throttl") {
		return KindThrottled
	}
	if isNoCredentials(err) {
		return KindNoCredentials
	}
	var netErr net.Error
	var opErr *net.OpError
	var dnsErr *net.DNSError
	if errors.As(err, &opErr) || errors.As(err, &dnsErr) || errors.As(err, &netErr) {
		return KindUnreachable
	}
	return KindOther
}

func isNoCredentials(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "failed to refresh cached credentials") ||
		strings.Contains(msg, "no EC2 IMDS role found") ||
		strings.Contains(msg, "failed to retrieve credentials") ||
		strings.Contains(msg, "AnonymousCredentials") ||
		strings.Contains(msg, "get identity: get credentials")
}

// Message returns "Code: message" for an AWS API error, the text of a
// network error, or err's text otherwise, without the SDK's wrapping.
func Message(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		msg := apiErr.ErrorMessage()
		if msg == "" {
			return apiErr.ErrorCode()
		}
		return apiErr.ErrorCode() + ": " + msg
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return opErr.Error()
	}
	return err.Error()
}

// Code returns the AWS error code of err, or "".
func Code(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// Describe says in one line what went wrong with an AWS call made to
// perform action (an IAM action such as "ecs:DescribeServices"), with a hint
// the learner can act on.
func Describe(action string, err error) (observed, hint string) {
	switch Classify(err) {
	case KindAccessDenied:
		return fmt.Sprintf("not allowed to call %s (%s)", action, Code(err)),
			"Your credentials lack a read permission the checks need; 'workshop check --print-policy' prints the minimal policy."
	case KindThrottled:
		return fmt.Sprintf("AWS throttled %s even after retries", action),
			"Too many API calls at once in this account; wait a minute and check again."
	case KindNoCredentials:
		return fmt.Sprintf("%s was refused: the credentials are missing, invalid or expired (%s)", action, Message(err)),
			"Refresh your credentials (aws sso login, or aws configure) and check again."
	case KindUnreachable:
		if why, hint := RegionLookup(err); why != "" {
			return fmt.Sprintf("could not reach AWS for %s: %s", action, why), hint
		}
		return fmt.Sprintf("could not reach AWS for %s: %s", action, Message(err)),
			"Check your network connection (or that the endpoint in AWS_ENDPOINT_URL is running)."
	}
	return fmt.Sprintf("%s failed: %s", action, Message(err)), ""
}

// RegionLookup explains a failed name lookup of an AWS endpoint
// (SERVICE.REGION.amazonaws.com) by its region: a name that is no region,
// or a real region that this machine cannot resolve (offline, DNS). It
// returns "" for any other error.
func RegionLookup(err error) (why, hint string) {
	host, region := unknownRegion(err)
	switch {
	case region == "":
		return "", ""
	case !regionShape.MatchString(region):
		return fmt.Sprintf("there is no endpoint %s, so %s is not a region AWS serves (no such host)", host, region),
			"Check the region: --region, AWS_REGION or your profile's region (for example us-east-1, eu-west-1)."
	}
	return fmt.Sprintf("the endpoint %s of region %s does not resolve (no such host)", host, region),
		"Check your network connection and DNS, and that " + region + " is the region you mean."
}

// regionShape is the form of the AWS partitions' region names (the SDK's
// endpoint rules use the same): a name of another form is no region.
var regionShape = regexp.MustCompile(`^(us|eu|ap|sa|ca|me|af|il|mx|cn|us-gov|us-iso|us-isob)-\w+-\d+$`)

// unknownRegion reads a failed name lookup of an AWS endpoint
// (SERVICE.REGION.amazonaws.com): the host and the region it names, or ""
// when err is something else.
func unknownRegion(err error) (host, region string) {
	var dnsErr *net.DNSError
	if !errors.As(err, &dnsErr) || !dnsErr.IsNotFound {
		return "", ""
	}
	parts := strings.Split(strings.TrimSuffix(dnsErr.Name, "."), ".")
	if len(parts) < 4 || parts[len(parts)-1] != "com" || parts[len(parts)-2] != "amazonaws" {
		return "", ""
	}
	return dnsErr.Name, parts[len(parts)-3]
}
