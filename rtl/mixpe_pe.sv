// Processing element of the MixPE output-stationary array.
//
// Each cycle in which both an activation and a weight arrive, the PE multiplies the signed
// activation by the two's-complement weight code with shifts and adds (mixpe_shift_add_mul, no
// multiplier) and adds the product to its accumulator. The activation (with its first/last
// flags) moves on to the right neighbour and the weight to the neighbour below, one register
// each. On the last element of a reduction the finished sum is handed to the drain chain, which
// moves results one row up per cycle toward the array's north edge while the accumulator starts
// on the next output.
//
// Each result leaves with a tag: the activation stream's bank bit (which of two buffered sets of
// per-unit side values belongs to it, see mixpe_core) and the PE's row index, so that the unit
// at the north edge that dequantizes it knows whose result it is.
//
// PeKind selects the multiply-accumulate; everything else (ports, streaming, first/last flags,
// tags, drain chain, and so the array's cycles) is the same for every kind:
// - 0 (PeShiftAdd, the default): MixPE's PE as described above.
// - 1 (PeMultiplier): the conventional integer PE, the INT8 baseline at W8 x A8: the same
//   arithmetic, the product written as a signed `*` (mixpe_int_mul). WeightBits 2..8.
// - 2 (PeFp16Mac): the conventional FP16 PE: act_i and wgt_i are IEEE FP16 bit patterns
//   (ActBits = WeightBits = 16), the accumulator and results FP32 bit patterns (AccBits = 32).
//   Each element adds its exact product (mixpe_fp16_mul_exact) to the running sum, rounded once:
//   acc = rne_fp32(acc + a * w) (mixpe_fp32_add), where the first element of a reduction starts
//   from +0.0: acc = rne_fp32(+0.0 + a * w), so a reduction's sum is +0 for a lone -0 product.
//   IEEE special values: a NaN operand or product, Inf * 0 and Inf - Inf give the quiet NaN
//   0x7FC00000 (every NaN is that one); Inf * x is +-Inf (x nonzero), Inf + finite is that Inf;
//   a sum beyond the largest finite FP32 value rounds to +-Inf; subnormals are kept; an exact
//   zero sum is +0 unless both addends are -0. No FP4 mode.
module mixpe_pe #(
  parameter int unsigned ActBits    = 8,   // signed activation width (PeKind 2: 16, FP16)
  parameter int unsigned WeightBits = 4,   // two's-complement weight width: 2, 3, 4 or 8
                                           // (PeKind 1: 2..8; PeKind 2: 16, FP16)
  parameter int unsigned AccBits    = 32,  // signed accumulator and result width (PeKind 2: 32,
                                           // FP32)
  parameter int unsigned Fp4Weights = 0,   // 1: E2M1 weight mode (wgt_fp4_i) built in
  parameter int unsigned RowBits    = 1,   // width of the row index in the drain tag
  parameter int unsigned RowIndex   = 0,   // this PE's row, sent with each result
  parameter int unsigned PeKind     = 0    // 0 shift-and-add (MixPE), 1 multiplier, 2 FP16 MAC
) (
  input  logic                  clk_i,
  input  logic                  rst_ni,

  // Layer mode: the weight codes are OCP E2M1 (FP4) values rather than two's-complement integers.
  input  logic                  wgt_fp4_i,

  // Activation stream, from the west neighbour (or the array edge) and on to the east.
  input  logic                  act_valid_i,  // act_i and the flags carry an element this cycle
  input  logic                  act_first_i,  // first element of a reduction: restart the sum
  input  logic                  act_last_i,   // last element: hand the finished sum to the drain
  input  logic                  act_bank_i,   // bank of the reduction's side values
  input  logic [ActBits-1:0]    act_i,        // signed activation
  output logic                  act_valid_o,
  output logic                  act_first_o,
  output logic                  act_last_o,
  output logic                  act_bank_o,
  output logic [ActBits-1:0]    act_o,

  // Weight stream, from the north neighbour (or the array edge) and on to the south.
  input  logic                  wgt_valid_i,  // wgt_i carries a weight code this cycle
  input  logic [WeightBits-1:0] wgt_i,        // two's-complement weight code
  output logic                  wgt_valid_o,
  output logic [WeightBits-1:0] wgt_o,

  // Drain chain: finished sums move north one PE per cycle, each with its bank and row.
  input  logic                  drain_valid_i,  // from the south neighbour
  input  logic [AccBits-1:0]    drain_data_i,
  input  logic                  drain_bank_i,
  input  logic [RowBits-1:0]    drain_row_i,
  output logic                  drain_valid_o,  // to the north neighbour (or the array edge)
  output logic [AccBits-1:0]    drain_data_o,
  output logic                  drain_bank_o,
  output logic [RowBits-1:0]    drain_row_o
);

  // The kinds of PE (PeKind).
  localparam int unsigned PeShiftAdd   = 0;  // MixPE: shifts and adds (mixpe_shift_add_mul)
  localparam int unsigned PeMultiplier = 1;  // integer baseline: `*` (mixpe_int_mul)
  localparam int unsigned PeFp16Mac    = 2;  // FP16 baseline: FP16 x FP16 into an FP32 sum

  localparam int unsigned ProdBits = ActBits + WeightBits;

  // Elaboration-time parameter checks.
  if (PeKind != PeShiftAdd && PeKind != PeMultiplier && PeKind != PeFp16Mac) begin : g_bad_kind
    $error("mixpe_pe: PeKind must be 0 (shift-and-add), 1 (multiplier) or 2 (FP16 MAC)");
  end
  if (PeKind == PeShiftAdd && WeightBits != 2 && WeightBits != 3 && WeightBits != 4 &&
      WeightBits != 8) begin : g_bad_weight_bits
    $error("mixpe_pe: WeightBits must be 2, 3, 4 or 8");
  end
  if (PeKind == PeMultiplier && (WeightBits < 2 || WeightBits > 8)) begin : g_bad_mul_weight_bits
    $error("mixpe_pe: WeightBits must be in [2, 8] for the multiplier PE");
  end
  if (PeKind != PeFp16Mac && (ActBits < 2 || ActBits > 16)) begin : g_bad_act_bits
    $error("mixpe_pe: ActBits must be in [2, 16]");
  end
  if (PeKind != PeFp16Mac && (AccBits < ProdBits || AccBits > 64)) begin : g_bad_acc_bits
    $error("mixpe_pe: AccBits must be in [ActBits + WeightBits, 64]");
  end
  if (PeKind == PeFp16Mac && (ActBits != 16 || WeightBits != 16 || AccBits != 32 ||
                              Fp4Weights != 0)) begin : g_bad_fp16_mac
    $error("mixpe_pe: the FP16 MAC PE takes ActBits 16, WeightBits 16, AccBits 32, no FP4 mode");
  end
  if (RowBits < 1 || RowBits > 8 || RowIndex >= (1 << RowBits)) begin : g_bad_row
    $error("mixpe_pe: RowIndex must fit in RowBits, RowBits in [1, 8]");
  end

  ////////////////////////////////
  // Product                    //
  ////////////////////////////////

  // The integer kinds share the accumulator below and differ only in how the product is formed.
  logic [ProdBits-1:0] product;  // integer kinds: act_i * wgt_i, two's complement

  if (PeKind == PeMultiplier) begin : g_multiplier
    mixpe_int_mul #(
      .ActBits    (ActBits),
      .WeightBits (WeightBits),
      .Fp4Weights (Fp4Weights)
    ) u_mul (
      .act_i,
      .wgt_i,
      .wgt_fp4_i,
      .product_o (product)
    );
  end else if (PeKind == PeShiftAdd) begin : g_shift_add
    mixpe_shift_add_mul #(
      .ActBits    (ActBits),
      .WeightBits (WeightBits),
      .Fp4Weights (Fp4Weights)
    ) u_mul (
      .act_i,
      .wgt_i,
      .wgt_fp4_i,
      .product_o (product)
    );
  end else begin : g_no_int_product
    // The FP16 MAC forms its product below; the integer accumulator is not used.
    assign product = '0;
  end

  ////////////////////////////////
  // Accumulator                //
  ////////////////////////////////

  // One accumulator register for every kind: the integer sum, or FP32 bits for the FP16 MAC. The
  // integer path is written as it was before the other kinds, so that synthesis of the MixPE PE
  // (and its counts in synth/area_table.csv) does not change with them.
  logic               mac_en;    // an activation and a weight meet here this cycle
  logic               capture;   // this MAC finishes a reduction
  logic [AccBits-1:0] acc_base;  // the running sum the product is added to (+0.0 in FP32 too)
  logic [AccBits:0]   acc_wide;  // integer kinds: one extra bit to detect overflow
  logic [AccBits-1:0] fp_sum;    // FP16 MAC: rne_fp32(acc_base + act_i * wgt_i)
  logic [AccBits-1:0] acc_d, acc_q;

  assign mac_en  = act_valid_i & wgt_valid_i;
  assign capture = mac_en & act_last_i;

  always_comb begin
    acc_base = act_first_i ? '0 : acc_q;
    acc_wide = {acc_base[AccBits-1], acc_base}
             + {{(AccBits + 1 - ProdBits){product[ProdBits-1]}}, product};
    if (PeKind == PeFp16Mac) begin
      acc_d = mac_en ? fp_sum : acc_q;
    end else begin
      acc_d = mac_en ? acc_wide[AccBits-1:0] : acc_q;
    end
  end

  always_ff @(posedge clk_i) begin
    acc_q <= acc_d;
  end

  if (PeKind == PeFp16Mac) begin : g_fp16_mac
    logic [31:0] fp_product;  // act_i * wgt_i, exact, FP32

    mixpe_fp16_mul_exact u_mul (
      .a_i       (act_i),
      .b_i       (wgt_i),
      .product_o (fp_product)
    );

    mixpe_fp32_add u_add (
      .a_i   (acc_base),
      .b_i   (fp_product),
      .sum_o (fp_sum)
    );

    // Neither the integer sum nor the FP4 mode is used (the assertions reject the mode).
    logic unused_int;
    assign unused_int = ^{acc_wide, wgt_fp4_i};
  end else begin : g_int_only
    assign fp_sum = '0;
  end

  ////////////////////////////////
  // Systolic forwarding        //
  ////////////////////////////////

  logic                  act_valid_q, act_first_q, act_last_q, act_bank_q, wgt_valid_q;
  logic [ActBits-1:0]    act_q;
  logic [WeightBits-1:0] wgt_q;

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      act_valid_q <= 1'b0;
      wgt_valid_q <= 1'b0;
    end else begin
      act_valid_q <= act_valid_i;
      wgt_valid_q <= wgt_valid_i;
    end
  end

  // Data and flags need no reset: they are only read when the matching valid is set.
  always_ff @(posedge clk_i) begin
    act_first_q <= act_first_i;
    act_last_q  <= act_last_i;
    act_bank_q  <= act_bank_i;
    act_q       <= act_i;
    wgt_q       <= wgt_i;
  end

  assign act_valid_o = act_valid_q;
  assign act_first_o = act_first_q;
  assign act_last_o  = act_last_q;
  assign act_bank_o  = act_bank_q;
  assign act_o       = act_q;
  assign wgt_valid_o = wgt_valid_q;
  assign wgt_o       = wgt_q;

  ////////////////////////////////
  // Drain chain                //
  ////////////////////////////////

  logic               drain_valid_d, drain_valid_q;
  logic [AccBits-1:0] drain_data_d, drain_data_q;
  logic               drain_bank_d, drain_bank_q;
  logic [RowBits-1:0] drain_row_d, drain_row_q;

  always_comb begin
    drain_valid_d = capture | drain_valid_i;
    drain_data_d  = capture ? acc_d : drain_data_i;
    drain_bank_d  = capture ? act_bank_i : drain_bank_i;
    drain_row_d   = capture ? RowBits'(RowIndex) : drain_row_i;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      drain_valid_q <= 1'b0;
    end else begin
      drain_valid_q <= drain_valid_d;
    end
  end

  always_ff @(posedge clk_i) begin
    drain_data_q <= drain_data_d;
    drain_bank_q <= drain_bank_d;
    drain_row_q  <= drain_row_d;
  end

  assign drain_valid_o = drain_valid_q;
  assign drain_data_o  = drain_data_q;
  assign drain_bank_o  = drain_bank_q;
  assign drain_row_o   = drain_row_q;

  ////////////////////////////////
  // Assertions                 //
  ////////////////////////////////

// Simulation-only checks; synthesis (yosys defines SYNTHESIS) sees none of this.
`ifndef SYNTHESIS
  // Tracks whether a reduction is open (a first element seen, its last not yet).
  logic in_reduction_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      in_reduction_q <= 1'b0;
    end else if (mac_en) begin
      in_reduction_q <= !act_last_i;
    end
  end

  // Immediate assertions at the clock edge see the same values a concurrent assertion would
  // sample (every operand comes from a flop), and cost Verilator far less: no per-cycle copies
  // of sampled values. They are off during reset; Verilator counts that as a synchronous use of
  // the asynchronous reset, which is intended here and only here.
  /* verilator lint_off SYNCASYNCNET */
  always_ff @(posedge clk_i) begin
    if (rst_ni) begin
      // A reduction must start with a first element and must not start while another is open.
      if (mac_en) begin
        assert (act_first_i != in_reduction_q)
          else $error("mixpe_pe: first flag out of order (reduction %s)",
                      in_reduction_q ? "already open" : "not started");
      end
      // A result captured while the PE below hands one up would be lost: the schedule must space
      // tiles so that the drain has moved on (see docs/cycle-model.md).
      assert (!(capture && drain_valid_i))
        else $error("mixpe_pe: drain collision, a result would be overwritten");
      // A reduction's elements arrive in pairs: while one is open, an activation without its
      // weight, or a weight without its activation, would drop out of the sum.
      if (in_reduction_q) begin
        assert (act_valid_i == wgt_valid_i)
          else $error("mixpe_pe: %s without its %s in an open reduction",
                      act_valid_i ? "activation" : "weight", act_valid_i ? "weight" : "activation");
      end
      // FP4 weights need a PE built for them, with at least four weight bits.
      assert (!(mac_en && wgt_fp4_i && (Fp4Weights == 0 || WeightBits < 4)))
        else $error("mixpe_pe: FP4 weight mode on a PE built without it");
      // The accumulator is sized by the hardware config so that no legal reduction overflows.
      // (Floating-point sums do not overflow: they round to +-Inf.)
      if (mac_en && PeKind != PeFp16Mac) begin
        assert (acc_wide[AccBits] == acc_wide[AccBits-1])
          else $error("mixpe_pe: accumulator overflow");
      end
    end
  end
  /* verilator lint_on SYNCASYNCNET */
`endif  // SYNTHESIS

endmodule
