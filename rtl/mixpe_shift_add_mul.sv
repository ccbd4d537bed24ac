// Signed activation times a weight code, formed with shifts and adds only. The weight code is
// two's complement, or (wgt_fp4_i, on a unit built with Fp4Weights and WeightBits >= 4) an OCP
// FP4 E2M1 element in units of 2^-1. FP4 support costs area (the E2M1 decode and a fifth weight
// bit at W4: docs/area.md), so it is built only where the hardware config lists an E2M1 format.
//
// Both modes share one datapath on a signed weight value w of ValueBits bits (a separate E2M1
// datapath, with its own adder, negation and output mux, synthesizes larger):
//   a*w = sum_{i<ValueBits-1} (a & {w[i]}) << i  -  (a & {w[ValueBits-1]}) << (ValueBits-1)
// in ActBits+WeightBits bits, which hold every product exactly.
//
// Two's complement: w is wgt_i, sign-extended. E2M1 (docs/numerics.md, section 2): the low four
// bits {s, e[1:0], m} are worth (-1)^s * 2^(e-1) * (1 + m/2) for e >= 1 and (-1)^s * m/2 for
// e = 0 (subnormal); in units of 2^-1 the magnitude is the integer
//   q = m                    (e = 0)
//   q = {1, m} << (e - 1)    (e >= 1)        q in {0, 1, 2, 3, 4, 6, 8, 12}
// (at most two set bits: the implicit one at bit e, m just below it), and w = s ? -q : q, so the
// code 0x8 (-0) gives 0. |w| <= 12 takes five signed bits, one more than INT4, so ValueBits is 5
// at WeightBits = 4; |a*12| < 2^(ActBits+3) still fits the product. Bits of wgt_i above bit 3
// are ignored in this mode.
//
// tests/formal/ proves the unit equal to a multiplication in both modes for every input (yosys
// and ABC), and tests/rtl_no_multiplier_test.sh checks that no '*' appears here.
module mixpe_shift_add_mul #(
  parameter int unsigned ActBits    = 8,  // signed activation width
  parameter int unsigned WeightBits = 4,  // weight code width
  parameter int unsigned Fp4Weights = 1   // 1: build the E2M1 mode (needs WeightBits >= 4)
) (
  input  logic [ActBits-1:0]            act_i,      // signed activation
  input  logic [WeightBits-1:0]         wgt_i,      // weight code (two's complement, or E2M1)
  input  logic                          wgt_fp4_i,  // per-layer mode: wgt_i[3:0] is FP4 E2M1;
                                                    // ignored (must be 0) without FP4 support
  output logic [ActBits+WeightBits-1:0] product_o   // act_i * weight, two's complement (E2M1
                                                    // weights: in units of 2^-1)
);

  localparam int unsigned ProdBits  = ActBits + WeightBits;
  localparam bit          HasFp4    = Fp4Weights != 0 && WeightBits >= 4;
  // Width of the signed weight value: E2M1 needs five bits, INT codes WeightBits.
  localparam int unsigned ValueBits = (HasFp4 && WeightBits == 4) ? 5 : WeightBits;

  ////////////////////////////////
  // Weight value               //
  ////////////////////////////////

  logic [ValueBits-1:0] wgt_value;  // the signed weight (E2M1: in units of 2^-1)

  if (HasFp4) begin : g_fp4
    logic       fp4_sign;   // s
    logic [1:0] fp4_exp;    // e: 0 is subnormal (no implicit leading one)
    logic       fp4_man;    // m
    logic [3:0] fp4_mag;    // q
    logic [4:0] fp4_value;  // s ? -q : q

    assign {fp4_sign, fp4_exp, fp4_man} = wgt_i[3:0];

    always_comb begin
      if (fp4_exp == 2'd0) begin
        fp4_mag = {3'b000, fp4_man};
      end else begin
        fp4_mag = {2'b00, 1'b1, fp4_man} << (fp4_exp - 2'd1);
      end
      fp4_value = fp4_sign ? -{1'b0, fp4_mag} : {1'b0, fp4_mag};
      // Either value, sign-extended to ValueBits.
      for (int unsigned i = 0; i < ValueBits; i++) begin
        wgt_value[i] = wgt_fp4_i ? fp4_value[(i < 5) ? i : 4]
                                 : wgt_i[(i < WeightBits) ? i : WeightBits - 1];
      end
    end
  end else begin : g_int_only
    // Built without FP4 support (or narrower than E2M1's four bits): the mode bit has no effect.
    logic unused_wgt_fp4;
    assign unused_wgt_fp4 = wgt_fp4_i;
    assign wgt_value      = wgt_i;
  end

  ////////////////////////////////
  // Shift-and-add product      //
  ////////////////////////////////

  logic [ProdBits-1:0] act_ext;  // activation sign-extended to the product width

  always_comb begin
    act_ext   = {{WeightBits{act_i[ActBits-1]}}, act_i};
    product_o = '0;
    for (int unsigned i = 0; i < ValueBits; i++) begin
      if (i == ValueBits - 1) begin
        product_o = product_o - ((act_ext & {ProdBits{wgt_value[i]}}) << i);
      end else begin
        product_o = product_o + ((act_ext & {ProdBits{wgt_value[i]}}) << i);
      end
    end
  end

endmodule
