package cfn

import (
	"math/big"
	"net/netip"
)

// evalCidr resolves Fn::Cidr [ipBlock, count, cidrBits]: count consecutive
// subnets of the block, each with cidrBits host bits (IPv4 or IPv6).
func evalCidr(arg any, c *Context) (any, error) {
	args, ok, err := evalArgs(arg, c, 3)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, templateErr(msgCidrArgs)
	}
	block, ok1 := args[0].(string)
	count, ok2 := index(args[1])
	bits, ok3 := index(args[2])
	if !ok1 || !ok2 || !ok3 {
		return nil, templateErr(msgCidrArgs)
	}
	prefix, err := netip.ParsePrefix(block)
	if err != nil {
		return nil, templateErr("Fn::Cidr: invalid IP block %s", block)
	}
	prefix = prefix.Masked()
	total := prefix.Addr().BitLen()
	newLen := total - bits
	if count < 1 || count > 256 || bits < 1 || newLen < prefix.Bits() || newLen > total {
		return nil, templateErr("Fn::Cidr: cannot make %d subnets of %d bits from %s", count, bits, block)
	}
	if newLen-prefix.Bits() < 63 && count > 1<<(newLen-prefix.Bits()) {
		return nil, templateErr("Fn::Cidr: cannot make %d subnets of %d bits from %s", count, bits, block)
	}
	base := new(big.Int).SetBytes(prefix.Addr().AsSlice())
	step := new(big.Int).Lsh(big.NewInt(1), uint(bits))
	out := make([]any, 0, count)
	for i := 0; i < count; i++ {
		n := new(big.Int).Add(base, new(big.Int).Mul(step, big.NewInt(int64(i))))
		buf := make([]byte, total/8)
		n.FillBytes(buf)
		addr, _ := netip.AddrFromSlice(buf)
		out = append(out, netip.PrefixFrom(addr, newLen).String())
	}
	return out, nil
}
