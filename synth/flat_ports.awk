# Port flattening for the area proxy (synth/area.sh): prints a SystemVerilog module with each of
# its unpacked-array ports (`input logic [W-1:0] name [A][B],`) turned into one packed vector port
# `name__flat` of A*B*W bits, element [i][j] in bits [(i*B+j)*W +: W], and the array declared
# inside the module under its old name, wired to that vector. yosys 0.23 reads neither unpacked
# nor packed multidimensional ports, but reads unpacked arrays inside a module; the body is left as
# it is, and what is added is wiring only (continuous assignments of slices), so the synthesized
# logic is the module's own. Handles ports of one or two unpacked dimensions given as sizes
# (`[N]`), declared one per line, and a port list that ends with a line starting `);`.
# usage: awk -f flat_ports.awk module.sv >module_flat.sv
function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }

BEGIN { n = 0; in_ports = 1 }

in_ports && /^[ \t]*(input|output)[ \t]+logic[ \t]/ {
  line = $0
  comment = ""
  if ((c = index(line, "//")) > 0) { comment = substr(line, c); line = substr(line, 1, c - 1) }
  comma = (line ~ /,[ \t]*$/) ? "," : ""
  sub(/,[ \t]*$/, "", line)
  # direction, optional packed range, name, unpacked dimensions
  port = "^[ \t]*(input|output)[ \t]+logic[ \t]*(\\[[^]]*\\])?[ \t]*"
  port = port "[A-Za-z_][A-Za-z0-9_]*[ \t]*(\\[[^]]+\\])+[ \t]*$"
  if (match(line, port)) {
    indent = line; sub(/[^ \t].*$/, "", indent)
    rest = trim(line)
    dir = rest; sub(/[ \t].*$/, "", dir)
    sub(/^(input|output)[ \t]+logic[ \t]*/, "", rest)
    packed = ""
    if (substr(rest, 1, 1) == "[") {
      packed = substr(rest, 1, index(rest, "]"))
      rest = trim(substr(rest, index(rest, "]") + 1))
    }
    name = rest; sub(/[ \t\[].*$/, "", name)
    dims = trim(substr(rest, length(name) + 1))
    nd = 0
    while (match(dims, /^\[[^]]+\]/)) {
      d[++nd] = trim(substr(dims, 2, RLENGTH - 2))
      dims = trim(substr(dims, RLENGTH + 1))
    }
    if (nd < 1 || nd > 2 || dims != "" || d[1] ~ /:/ || (nd == 2 && d[2] ~ /:/)) {
      print "flat_ports.awk: cannot flatten port: " $0 > "/dev/stderr"; exit 1
    }
    width = "1"
    if (packed != "") {
      split(substr(packed, 2, length(packed) - 2), hl, ":")
      width = "((" trim(hl[1]) ")-(" trim(hl[2]) ")+1)"
    }
    count = "(" d[1] ")"
    if (nd == 2) count = count "*(" d[2] ")"
    n++
    p_dir[n] = dir; p_packed[n] = packed; p_name[n] = name; p_width[n] = width
    p_nd[n] = nd; p_d1[n] = d[1]; p_d2[n] = d[2]
    printf "%s%s  logic [%s*%s-1:0] %s__flat%s", indent, dir, count, width, name, comma
    print (comment != "" ? "  " comment : "")
    next
  }
}

in_ports && /^\);/ {
  print
  in_ports = 0
  if (n > 0) {
    print ""
    print "  // Added by synth/flat_ports.awk: the unpacked-array ports, wired to flat vectors."
  }
  for (i = 1; i <= n; i++) {
    dimtext = "[" p_d1[i] "]" (p_nd[i] == 2 ? "[" p_d2[i] "]" : "")
    print "  logic " (p_packed[i] != "" ? p_packed[i] " " : "") p_name[i] " " dimtext ";"
    elem = p_nd[i] == 2 ? "[i0][i1]" : "[i0]"
    index_expr = p_nd[i] == 2 ? "(i0*(" p_d2[i] ")+i1)" : "i0"
    slice = p_name[i] "__flat[" index_expr "*" p_width[i] " +: " p_width[i] "]"
    lhs = p_dir[i] == "input" ? p_name[i] elem : slice
    rhs = p_dir[i] == "input" ? slice : p_name[i] elem
    print "  for (genvar i0 = 0; i0 < (" p_d1[i] "); i0++) begin : g_flat_" p_name[i]
    if (p_nd[i] == 2) {
      print "    for (genvar i1 = 0; i1 < (" p_d2[i] "); i1++) begin : g_1"
      print "      assign " lhs " = " rhs ";"
      print "    end"
    } else {
      print "    assign " lhs " = " rhs ";"
    }
    print "  end"
  }
  next
}

{ print }
