// Signed activation times two's-complement weight, formed with shifts and adds only.
//
// For a WeightBits-bit code w = -w[W-1]*2^(W-1) + sum_{i<W-1} w[i]*2^i:
//   a*w = sum_{i<W-1} (a & {w[i]}) << i  -  (a & {w[W-1]}) << (W-1)
// in ActBits+WeightBits bits, which hold every product exactly. tests/formal/ proves it equal to
// a multiplication for every input (yosys SAT), and tests/rtl_no_multiplier_test.sh checks that
// no '*' appears here.
module mixpe_shift_add_mul #(
  parameter int unsigned ActBits    = 8,  // signed activation width
  parameter int unsigned WeightBits = 4   // two's-complement weight width
) (
  input  logic [ActBits-1:0]            act_i,     // signed activation
  input  logic [WeightBits-1:0]         wgt_i,     // two's-complement weight code
  output logic [ActBits+WeightBits-1:0] product_o  // act_i * wgt_i, two's complement
);

  localparam int unsigned ProdBits = ActBits + WeightBits;

  logic [ProdBits-1:0] act_ext;  // activation sign-extended to the product width

  always_comb begin
    act_ext   = {{WeightBits{act_i[ActBits-1]}}, act_i};
    product_o = '0;
    for (int unsigned i = 0; i < WeightBits; i++) begin
      if (i == WeightBits - 1) begin
        product_o = product_o - ((act_ext & {ProdBits{wgt_i[i]}}) << i);
      end else begin
        product_o = product_o + ((act_ext & {ProdBits{wgt_i[i]}}) << i);
      end
    end
  end

endmodule
