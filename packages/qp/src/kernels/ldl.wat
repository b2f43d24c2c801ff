;; Kernels of the LDLᵀ factorization (ldl.ts) in WebAssembly: the triangular solves over the sparse
;; columns, and the dense trailing block's factorization and sweeps with 128-bit SIMD (two f64 lanes
;; per instruction). V8 neither vectorizes JavaScript nor drops its bounds checks; these loops carry
;; most of the flops and memory traffic. The dense block is column-major with leading dimension nd:
;; entry (i, j) at byte ap + 8·(j·nd + i); only its lower triangle is read or written.
;; `pnpm --filter @gridmarket/qp build:kernels` assembles this file into ldl.wasm.ts; a test checks
;; that the two agree.
(module
  (memory (import "env" "memory") 1)

  ;; Numeric factorization (up-looking, as in Davis's LDL and QDLDL) of the permuted upper triangle
  ;; K (column pointers kp, row indices ki: i32; values kx: f64) with the symbolic analysis's etree
  ;; (parent) and column pointers (lp, sparse columns 0 .. k0−1). Rows of the dense block (k ≥ k0)
  ;; leave the Schur complement S = K₂₂ − L₂₁D₁L₂₁ᵀ in the block at ap, which is then factored by
  ;; panels (`panel`, `update`). Work arrays: y (f64), pattern, flag, lnext (i32), n each; pivots
  ;; into d and their inverses into dinv. Returns the number of positive pivots, or −1 − k for a zero
  ;; or non-finite pivot at column k.
  (func (export "factor")
    (param $n i32) (param $k0 i32) (param $kp i32) (param $ki i32) (param $kx i32) (param $parent i32)
    (param $lpp i32) (param $lip i32) (param $lxp i32) (param $dp i32) (param $dinvp i32)
    (param $yp i32) (param $patp i32) (param $flagp i32) (param $nextp i32)
    (param $ap i32) (param $pivp i32) (param $scratch i32) (param $panelw i32)
    (result i32)
    (local $nd i32) (local $k i32) (local $p i32) (local $pend i32) (local $i i32) (local $len i32) (local $top i32)
    (local $q i32) (local $start i32) (local $end i32) (local $positive i32) (local $r i32) (local $j i32) (local $j1 i32)
    (local $yi f64) (local $dk f64) (local $lki f64) (local $t f64)
    (local.set $nd (i32.sub (local.get $n) (local.get $k0)))
    ;; y = 0, lnext = 0, flag = −1 (the memory may come from an earlier factor)
    (memory.fill (local.get $yp) (i32.const 0) (i32.shl (local.get $n) (i32.const 3)))
    (memory.fill (local.get $nextp) (i32.const 0) (i32.shl (local.get $n) (i32.const 2)))
    (memory.fill (local.get $flagp) (i32.const 255) (i32.shl (local.get $n) (i32.const 2)))
    (local.set $k (i32.const 0))
    (block $kdone
      (loop $ks
        (br_if $kdone (i32.ge_s (local.get $k) (local.get $n)))
        (f64.store (i32.add (local.get $yp) (i32.shl (local.get $k) (i32.const 3))) (f64.const 0))
        (local.set $top (local.get $n))
        (i32.store (i32.add (local.get $flagp) (i32.shl (local.get $k) (i32.const 2))) (local.get $k))
        ;; scatter column k of K into y and collect the pattern of row k of L (sparse columns only)
        (local.set $p (i32.load (i32.add (local.get $kp) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $pend (i32.load (i32.add (local.get $kp) (i32.shl (i32.add (local.get $k) (i32.const 1)) (i32.const 2)))))
        (block $pdone
          (loop $ps
            (br_if $pdone (i32.ge_s (local.get $p) (local.get $pend)))
            (local.set $i (i32.load (i32.add (local.get $ki) (i32.shl (local.get $p) (i32.const 2)))))
            (local.set $q (i32.add (local.get $yp) (i32.shl (local.get $i) (i32.const 3))))
            (f64.store (local.get $q) (f64.add (f64.load (local.get $q)) (f64.load (i32.add (local.get $kx) (i32.shl (local.get $p) (i32.const 3))))))
            (local.set $len (i32.const 0))
            (block $cdone
              (loop $climb
                (br_if $cdone (i32.ge_s (local.get $i) (local.get $k0)))
                (br_if $cdone (i32.eq (i32.load (i32.add (local.get $flagp) (i32.shl (local.get $i) (i32.const 2)))) (local.get $k)))
                (i32.store (i32.add (local.get $patp) (i32.shl (local.get $len) (i32.const 2))) (local.get $i))
                (local.set $len (i32.add (local.get $len) (i32.const 1)))
                (i32.store (i32.add (local.get $flagp) (i32.shl (local.get $i) (i32.const 2))) (local.get $k))
                (local.set $i (i32.load (i32.add (local.get $parent) (i32.shl (local.get $i) (i32.const 2)))))
                (br $climb)))
            (block $mdone
              (loop $move
                (br_if $mdone (i32.eqz (local.get $len)))
                (local.set $top (i32.sub (local.get $top) (i32.const 1)))
                (local.set $len (i32.sub (local.get $len) (i32.const 1)))
                (i32.store (i32.add (local.get $patp) (i32.shl (local.get $top) (i32.const 2)))
                  (i32.load (i32.add (local.get $patp) (i32.shl (local.get $len) (i32.const 2)))))
                (br $move)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $ps)))
        (local.set $q (i32.add (local.get $yp) (i32.shl (local.get $k) (i32.const 3))))
        (local.set $dk (f64.load (local.get $q)))
        (f64.store (local.get $q) (f64.const 0))
        ;; row k of L: in topological order, y −= L[:, i]·y_i for each i of the pattern
        (block $tdone
          (loop $ts
            (br_if $tdone (i32.ge_s (local.get $top) (local.get $n)))
            (local.set $i (i32.load (i32.add (local.get $patp) (i32.shl (local.get $top) (i32.const 2)))))
            (local.set $q (i32.add (local.get $yp) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $yi (f64.load (local.get $q)))
            (f64.store (local.get $q) (f64.const 0))
            (local.set $start (i32.load (i32.add (local.get $lpp) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $end (i32.add (local.get $start)
              (i32.load (i32.add (local.get $nextp) (i32.shl (local.get $i) (i32.const 2))))))
            (local.set $p (local.get $start))
            (block $edone
              (loop $es
                (br_if $edone (i32.ge_s (local.get $p) (local.get $end)))
                (local.set $q (i32.add (local.get $yp) (i32.shl (i32.load (i32.add (local.get $lip) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 3))))
                (f64.store (local.get $q)
                  (f64.sub (f64.load (local.get $q)) (f64.mul (f64.load (i32.add (local.get $lxp) (i32.shl (local.get $p) (i32.const 3)))) (local.get $yi))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $es)))
            (local.set $lki (f64.mul (local.get $yi) (f64.load (i32.add (local.get $dinvp) (i32.shl (local.get $i) (i32.const 3))))))
            (local.set $dk (f64.sub (local.get $dk) (f64.mul (local.get $lki) (local.get $yi))))
            (i32.store (i32.add (local.get $lip) (i32.shl (local.get $end) (i32.const 2))) (local.get $k))
            (f64.store (i32.add (local.get $lxp) (i32.shl (local.get $end) (i32.const 3))) (local.get $lki))
            (local.set $q (i32.add (local.get $nextp) (i32.shl (local.get $i) (i32.const 2))))
            (i32.store (local.get $q) (i32.add (i32.load (local.get $q)) (i32.const 1)))
            (local.set $top (i32.add (local.get $top) (i32.const 1)))
            (br $ts)))
        (if (i32.lt_s (local.get $k) (local.get $k0))
          (then
            ;; a zero, infinite or NaN pivot: dk − dk is NaN for ±∞ and NaN
            (if (i32.or (f64.eq (local.get $dk) (f64.const 0)) (f64.ne (f64.sub (local.get $dk) (local.get $dk)) (f64.const 0)))
              (then (return (i32.sub (i32.const -1) (local.get $k)))))
            (f64.store (i32.add (local.get $dp) (i32.shl (local.get $k) (i32.const 3))) (local.get $dk))
            (f64.store (i32.add (local.get $dinvp) (i32.shl (local.get $k) (i32.const 3))) (f64.div (f64.const 1) (local.get $dk)))
            (if (f64.gt (local.get $dk) (f64.const 0)) (then (local.set $positive (i32.add (local.get $positive) (i32.const 1))))))
          (else
            ;; row r = k − k0 of the Schur complement, into column j of the block for each j < k
            (local.set $r (i32.sub (local.get $k) (local.get $k0)))
            (local.set $j (local.get $k0))
            (block $sdone
              (loop $ss
                (br_if $sdone (i32.ge_s (local.get $j) (local.get $k)))
                (local.set $q (i32.add (local.get $yp) (i32.shl (local.get $j) (i32.const 3))))
                (f64.store
                  (i32.add (local.get $ap) (i32.shl (i32.add (i32.mul (i32.sub (local.get $j) (local.get $k0)) (local.get $nd)) (local.get $r)) (i32.const 3)))
                  (f64.load (local.get $q)))
                (f64.store (local.get $q) (f64.const 0))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $ss)))
            (f64.store (i32.add (local.get $ap) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $nd)) (local.get $r)) (i32.const 3))) (local.get $dk))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $ks)))
    ;; the dense block by panels
    (local.set $j (i32.const 0))
    (block $ddone
      (loop $panels
        (br_if $ddone (i32.ge_s (local.get $j) (local.get $nd)))
        (local.set $j1 (i32.add (local.get $j) (local.get $panelw)))
        (if (i32.gt_s (local.get $j1) (local.get $nd)) (then (local.set $j1 (local.get $nd))))
        (local.set $r (call $panel (local.get $ap) (local.get $nd) (local.get $j) (local.get $j1) (local.get $pivp)))
        (if (i32.lt_s (local.get $r) (i32.const 0))
          (then (return (i32.sub (local.get $r) (local.get $k0)))))
        (local.set $positive (i32.add (local.get $positive) (local.get $r)))
        (if (i32.lt_s (local.get $j1) (local.get $nd))
          (then (call $update (local.get $ap) (local.get $nd) (local.get $j) (i32.sub (local.get $j1) (local.get $j)) (local.get $j1) (local.get $pivp) (local.get $scratch))))
        (local.set $j (local.get $j1))
        (br $panels)))
    (local.set $j (i32.const 0))
    (block $cdone
      (loop $copy
        (br_if $cdone (i32.ge_s (local.get $j) (local.get $nd)))
        (local.set $t (f64.load (i32.add (local.get $pivp) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $q (i32.shl (i32.add (local.get $k0) (local.get $j)) (i32.const 3)))
        (f64.store (i32.add (local.get $dp) (local.get $q)) (local.get $t))
        (f64.store (i32.add (local.get $dinvp) (local.get $q)) (f64.div (f64.const 1) (local.get $t)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $copy)))
    (local.get $positive))

  ;; Solves L D Lᵀ w = w in place (w: n doubles at wp, already permuted): the sparse columns
  ;; 0 .. k0−1 of L (column j's rows at li[lp[j] .. lp[j+1]), values at lx, both as byte arrays of
  ;; i32 and f64), then the dense block (nd = n − k0 columns at ap), the pivots' inverses at dinvp.
  (func (export "solve") (param $n i32) (param $k0 i32) (param $nd i32) (param $lpp i32) (param $lip i32) (param $lxp i32) (param $dinvp i32) (param $wp i32) (param $ap i32)
    (local $j i32) (local $p i32) (local $end i32) (local $q i32) (local $xj f64) (local $s f64)
    (local.set $j (i32.const 0))
    (local.set $p (i32.load (local.get $lpp)))
    (block $fdone
      (loop $fcols
        (br_if $fdone (i32.ge_s (local.get $j) (local.get $k0)))
        (local.set $end (i32.load (i32.add (local.get $lpp) (i32.shl (i32.add (local.get $j) (i32.const 1)) (i32.const 2)))))
        (local.set $xj (f64.load (i32.add (local.get $wp) (i32.shl (local.get $j) (i32.const 3)))))
        (if (f64.ne (local.get $xj) (f64.const 0))
          (then
            (block $edone
              (loop $entries
                (br_if $edone (i32.ge_s (local.get $p) (local.get $end)))
                (local.set $q (i32.add (local.get $wp) (i32.shl (i32.load (i32.add (local.get $lip) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 3))))
                (f64.store (local.get $q)
                  (f64.sub (f64.load (local.get $q))
                    (f64.mul (f64.load (i32.add (local.get $lxp) (i32.shl (local.get $p) (i32.const 3)))) (local.get $xj))))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $entries)))))
        (local.set $p (local.get $end))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $fcols)))
    (if (i32.gt_s (local.get $nd) (i32.const 0))
      (then (call $forward (local.get $ap) (i32.add (local.get $wp) (i32.shl (local.get $k0) (i32.const 3))) (local.get $nd))))
    (local.set $j (i32.const 0))
    (block $sdone
      (loop $scale
        (br_if $sdone (i32.ge_s (i32.add (local.get $j) (i32.const 1)) (local.get $n)))
        (local.set $q (i32.shl (local.get $j) (i32.const 3)))
        (v128.store (i32.add (local.get $wp) (local.get $q))
          (f64x2.mul (v128.load (i32.add (local.get $wp) (local.get $q))) (v128.load (i32.add (local.get $dinvp) (local.get $q)))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $scale)))
    (if (i32.lt_s (local.get $j) (local.get $n))
      (then
        (local.set $q (i32.shl (local.get $j) (i32.const 3)))
        (f64.store (i32.add (local.get $wp) (local.get $q))
          (f64.mul (f64.load (i32.add (local.get $wp) (local.get $q))) (f64.load (i32.add (local.get $dinvp) (local.get $q)))))))
    (if (i32.gt_s (local.get $nd) (i32.const 0))
      (then (call $backward (local.get $ap) (i32.add (local.get $wp) (i32.shl (local.get $k0) (i32.const 3))) (local.get $nd))))
    (local.set $j (i32.sub (local.get $k0) (i32.const 1)))
    (local.set $end (i32.load (i32.add (local.get $lpp) (i32.shl (local.get $k0) (i32.const 2)))))
    (block $bdone
      (loop $bcols
        (br_if $bdone (i32.lt_s (local.get $j) (i32.const 0)))
        (local.set $p (i32.load (i32.add (local.get $lpp) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $q (i32.add (local.get $wp) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $s (f64.load (local.get $q)))
        (block $edone
          (loop $entries
            (br_if $edone (i32.ge_s (local.get $p) (local.get $end)))
            (local.set $s (f64.sub (local.get $s)
              (f64.mul (f64.load (i32.add (local.get $lxp) (i32.shl (local.get $p) (i32.const 3))))
                (f64.load (i32.add (local.get $wp) (i32.shl (i32.load (i32.add (local.get $lip) (i32.shl (local.get $p) (i32.const 2)))) (i32.const 3)))))))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $entries)))
        (f64.store (local.get $q) (local.get $s))
        (local.set $end (i32.load (i32.add (local.get $lpp) (i32.shl (local.get $j) (i32.const 2)))))
        (local.set $j (i32.sub (local.get $j) (i32.const 1)))
        (br $bcols))))

  ;; x ← L⁻¹ x for the unit lower triangle L (x: nd doubles at xp), two columns per sweep over x.
  (func $forward (export "forward") (param $ap i32) (param $xp i32) (param $nd i32)
    (local $j i32) (local $i i32) (local $c0 i32) (local $c1 i32) (local $ld i32)
    (local $x0 f64) (local $x1 f64) (local $v0 v128) (local $v1 v128) (local $p i32)
    (local.set $ld (i32.shl (local.get $nd) (i32.const 3)))
    (local.set $j (i32.const 0))
    (block $done
      (loop $cols
        (br_if $done (i32.ge_s (i32.add (local.get $j) (i32.const 1)) (local.get $nd)))
        (local.set $c0 (i32.add (local.get $ap) (i32.mul (local.get $j) (local.get $ld))))
        (local.set $c1 (i32.add (local.get $c0) (local.get $ld)))
        ;; the 2 × 2 triangle: x1 −= L[j+1, j]·x0
        (local.set $x0 (f64.load (i32.add (local.get $xp) (i32.shl (local.get $j) (i32.const 3)))))
        (local.set $p (i32.add (local.get $xp) (i32.shl (i32.add (local.get $j) (i32.const 1)) (i32.const 3))))
        (local.set $x1 (f64.sub (f64.load (local.get $p))
          (f64.mul (f64.load (i32.add (local.get $c0) (i32.shl (i32.add (local.get $j) (i32.const 1)) (i32.const 3)))) (local.get $x0))))
        (f64.store (local.get $p) (local.get $x1))
        (local.set $v0 (f64x2.splat (local.get $x0)))
        (local.set $v1 (f64x2.splat (local.get $x1)))
        (local.set $i (i32.add (local.get $j) (i32.const 2)))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_s (i32.add (local.get $i) (i32.const 1)) (local.get $nd)))
            (local.set $p (i32.shl (local.get $i) (i32.const 3)))
            (v128.store (i32.add (local.get $xp) (local.get $p))
              (f64x2.sub (v128.load (i32.add (local.get $xp) (local.get $p)))
                (f64x2.add
                  (f64x2.mul (v128.load (i32.add (local.get $c0) (local.get $p))) (local.get $v0))
                  (f64x2.mul (v128.load (i32.add (local.get $c1) (local.get $p))) (local.get $v1)))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $rows)))
        (if (i32.lt_s (local.get $i) (local.get $nd))
          (then
            (local.set $p (i32.shl (local.get $i) (i32.const 3)))
            (f64.store (i32.add (local.get $xp) (local.get $p))
              (f64.sub (f64.load (i32.add (local.get $xp) (local.get $p)))
                (f64.add
                  (f64.mul (f64.load (i32.add (local.get $c0) (local.get $p))) (local.get $x0))
                  (f64.mul (f64.load (i32.add (local.get $c1) (local.get $p))) (local.get $x1)))))))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $cols))))

  ;; x ← L⁻ᵀ x for the unit lower triangle L, two columns' dot products per sweep over x.
  (func $backward (export "backward") (param $ap i32) (param $xp i32) (param $nd i32)
    (local $j i32) (local $i i32) (local $c0 i32) (local $c1 i32) (local $ld i32) (local $p i32)
    (local $s0 f64) (local $s1 f64) (local $acc0 v128) (local $acc1 v128) (local $xv v128)
    (local.set $ld (i32.shl (local.get $nd) (i32.const 3)))
    ;; columns j−1 and j, from the bottom; an odd nd leaves column 0 for last
    (local.set $j (i32.sub (local.get $nd) (i32.const 1)))
    (block $done
      (loop $cols
        (br_if $done (i32.lt_s (local.get $j) (i32.const 1)))
        (local.set $c1 (i32.add (local.get $ap) (i32.mul (local.get $j) (local.get $ld))))
        (local.set $c0 (i32.sub (local.get $c1) (local.get $ld)))
        (local.set $acc0 (f64x2.splat (f64.const 0)))
        (local.set $acc1 (f64x2.splat (f64.const 0)))
        (local.set $i (i32.add (local.get $j) (i32.const 1)))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_s (i32.add (local.get $i) (i32.const 1)) (local.get $nd)))
            (local.set $p (i32.shl (local.get $i) (i32.const 3)))
            (local.set $xv (v128.load (i32.add (local.get $xp) (local.get $p))))
            (local.set $acc0 (f64x2.add (local.get $acc0) (f64x2.mul (v128.load (i32.add (local.get $c0) (local.get $p))) (local.get $xv))))
            (local.set $acc1 (f64x2.add (local.get $acc1) (f64x2.mul (v128.load (i32.add (local.get $c1) (local.get $p))) (local.get $xv))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $rows)))
        (local.set $s0 (f64.add (f64x2.extract_lane 0 (local.get $acc0)) (f64x2.extract_lane 1 (local.get $acc0))))
        (local.set $s1 (f64.add (f64x2.extract_lane 0 (local.get $acc1)) (f64x2.extract_lane 1 (local.get $acc1))))
        (if (i32.lt_s (local.get $i) (local.get $nd))
          (then
            (local.set $p (i32.shl (local.get $i) (i32.const 3)))
            (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.load (i32.add (local.get $c0) (local.get $p))) (f64.load (i32.add (local.get $xp) (local.get $p))))))
            (local.set $s1 (f64.add (local.get $s1) (f64.mul (f64.load (i32.add (local.get $c1) (local.get $p))) (f64.load (i32.add (local.get $xp) (local.get $p))))))))
        ;; x[j] −= s1; x[j−1] −= s0 + L[j, j−1]·x[j]
        (local.set $p (i32.add (local.get $xp) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $s1 (f64.sub (f64.load (local.get $p)) (local.get $s1)))
        (f64.store (local.get $p) (local.get $s1))
        (local.set $p (i32.sub (local.get $p) (i32.const 8)))
        (f64.store (local.get $p)
          (f64.sub (f64.sub (f64.load (local.get $p)) (local.get $s0))
            (f64.mul (f64.load (i32.add (local.get $c0) (i32.shl (local.get $j) (i32.const 3)))) (local.get $s1))))
        (local.set $j (i32.sub (local.get $j) (i32.const 2)))
        (br $cols)))
    ;; an odd nd: column 0 alone
    (if (i32.eqz (local.get $j))
      (then
        (local.set $s0 (f64.const 0))
        (local.set $i (i32.const 1))
        (block $rows_done
          (loop $rows
            (br_if $rows_done (i32.ge_s (local.get $i) (local.get $nd)))
            (local.set $p (i32.shl (local.get $i) (i32.const 3)))
            (local.set $s0 (f64.add (local.get $s0) (f64.mul (f64.load (i32.add (local.get $ap) (local.get $p))) (f64.load (i32.add (local.get $xp) (local.get $p))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $rows)))
        (f64.store (local.get $xp) (f64.sub (f64.load (local.get $xp)) (local.get $s0))))))

  ;; Factors the panel of columns j0 .. j1−1 in place, left-looking within the panel (the columns
  ;; left of j0 were applied by `update`): for each column j, S[j.., j] −= Σ_{j0≤k<j} L[j.., k]·L[j, k]·d_k,
  ;; then d_j = S[j, j] (stored at dp + 8j) and L[j+1.., j] = S[j+1.., j]/d_j. Returns the number of
  ;; positive pivots, or −1 − j for a zero or non-finite pivot at column j.
  (func $panel (export "panel") (param $ap i32) (param $nd i32) (param $j0 i32) (param $j1 i32) (param $dp i32) (result i32)
    (local $ld i32) (local $j i32) (local $k i32) (local $i i32) (local $p i32) (local $cj i32) (local $ck i32)
    (local $t f64) (local $dj f64) (local $vt v128) (local $positive i32)
    (local.set $ld (i32.shl (local.get $nd) (i32.const 3)))
    (local.set $j (local.get $j0))
    (block $done
      (loop $cols
        (br_if $done (i32.ge_s (local.get $j) (local.get $j1)))
        (local.set $cj (i32.add (local.get $ap) (i32.mul (local.get $j) (local.get $ld))))
        (local.set $k (local.get $j0))
        (block $kdone
          (loop $ks
            (br_if $kdone (i32.ge_s (local.get $k) (local.get $j)))
            (local.set $ck (i32.add (local.get $ap) (i32.mul (local.get $k) (local.get $ld))))
            (local.set $t (f64.mul (f64.load (i32.add (local.get $ck) (i32.shl (local.get $j) (i32.const 3))))
              (f64.load (i32.add (local.get $dp) (i32.shl (local.get $k) (i32.const 3))))))
            (local.set $vt (f64x2.splat (local.get $t)))
            (local.set $i (local.get $j))
            (block $rows_done
              (loop $rows
                (br_if $rows_done (i32.ge_s (i32.add (local.get $i) (i32.const 1)) (local.get $nd)))
                (local.set $p (i32.shl (local.get $i) (i32.const 3)))
                (v128.store (i32.add (local.get $cj) (local.get $p))
                  (f64x2.sub (v128.load (i32.add (local.get $cj) (local.get $p)))
                    (f64x2.mul (v128.load (i32.add (local.get $ck) (local.get $p))) (local.get $vt))))
                (local.set $i (i32.add (local.get $i) (i32.const 2)))
                (br $rows)))
            (if (i32.lt_s (local.get $i) (local.get $nd))
              (then
                (local.set $p (i32.shl (local.get $i) (i32.const 3)))
                (f64.store (i32.add (local.get $cj) (local.get $p))
                  (f64.sub (f64.load (i32.add (local.get $cj) (local.get $p)))
                    (f64.mul (f64.load (i32.add (local.get $ck) (local.get $p))) (local.get $t))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $ks)))
        (local.set $p (i32.add (local.get $cj) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $dj (f64.load (local.get $p)))
        ;; a zero, infinite or NaN pivot: dj − dj is NaN for ±∞ and NaN
        (if (i32.or (f64.eq (local.get $dj) (f64.const 0)) (f64.ne (f64.sub (local.get $dj) (local.get $dj)) (f64.const 0)))
          (then (return (i32.sub (i32.const -1) (local.get $j)))))
        (f64.store (i32.add (local.get $dp) (i32.shl (local.get $j) (i32.const 3))) (local.get $dj))
        (if (f64.gt (local.get $dj) (f64.const 0))
          (then (local.set $positive (i32.add (local.get $positive) (i32.const 1)))))
        (f64.store (local.get $p) (f64.const 1))
        (local.set $t (f64.div (f64.const 1) (local.get $dj)))
        (local.set $vt (f64x2.splat (local.get $t)))
        (local.set $i (i32.add (local.get $j) (i32.const 1)))
        (block $sdone
          (loop $scale
            (br_if $sdone (i32.ge_s (i32.add (local.get $i) (i32.const 1)) (local.get $nd)))
            (local.set $p (i32.add (local.get $cj) (i32.shl (local.get $i) (i32.const 3))))
            (v128.store (local.get $p) (f64x2.mul (v128.load (local.get $p)) (local.get $vt)))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (br $scale)))
        (if (i32.lt_s (local.get $i) (local.get $nd))
          (then
            (local.set $p (i32.add (local.get $cj) (i32.shl (local.get $i) (i32.const 3))))
            (f64.store (local.get $p) (f64.mul (f64.load (local.get $p)) (local.get $t)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $cols)))
    (local.get $positive))

  ;; Trailing update after a panel: for every column l ≥ l0 and row i ≥ l,
  ;;   S[i, l] −= Σ_k L[i, k]·w_k(l),   w_k(l) = L[l, k]·d_k,   k over the panel j0 .. j0+w−1,
  ;; with d_k at dp + 8k (pivots of the block) and 2w doubles of scratch at wp. Two target columns
  ;; and two panel columns per sweep over the rows.
  (func $update (export "update") (param $ap i32) (param $nd i32) (param $j0 i32) (param $w i32) (param $l0 i32) (param $dp i32) (param $wp i32)
    (local $ld i32) (local $l i32) (local $k i32) (local $i i32) (local $p i32)
    (local $cl i32) (local $cm i32) (local $ck0 i32) (local $ck1 i32)
    (local $a0 f64) (local $a1 f64) (local $b0 f64) (local $b1 f64) (local $t f64)
    (local $va0 v128) (local $va1 v128) (local $vb0 v128) (local $vb1 v128) (local $x0 v128) (local $x1 v128)
    (local.set $ld (i32.shl (local.get $nd) (i32.const 3)))
    (local.set $l (local.get $l0))
    (block $done
      (loop $targets
        (br_if $done (i32.ge_s (local.get $l) (local.get $nd)))
        (local.set $cl (i32.add (local.get $ap) (i32.mul (local.get $l) (local.get $ld))))
        ;; weights of columns l and l+1 (l+1 may not exist: its weights are then 0 and unused)
        (local.set $k (i32.const 0))
        (block $wdone
          (loop $weights
            (br_if $wdone (i32.ge_s (local.get $k) (local.get $w)))
            (local.set $ck0 (i32.add (local.get $ap) (i32.mul (i32.add (local.get $j0) (local.get $k)) (local.get $ld))))
            (local.set $t (f64.load (i32.add (local.get $dp) (i32.shl (i32.add (local.get $j0) (local.get $k)) (i32.const 3)))))
            (local.set $p (i32.add (local.get $ck0) (i32.shl (local.get $l) (i32.const 3))))
            (f64.store (i32.add (local.get $wp) (i32.shl (local.get $k) (i32.const 4)))
              (f64.mul (f64.load (local.get $p)) (local.get $t)))
            (f64.store (i32.add (local.get $wp) (i32.add (i32.shl (local.get $k) (i32.const 4)) (i32.const 8)))
              (if (result f64) (i32.lt_s (i32.add (local.get $l) (i32.const 1)) (local.get $nd))
                (then (f64.mul (f64.load (i32.add (local.get $p) (i32.const 8))) (local.get $t)))
                (else (f64.const 0))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $weights)))
        (if (i32.ge_s (i32.add (local.get $l) (i32.const 1)) (local.get $nd))
          (then
            ;; the last column alone: its diagonal entry only
            (local.set $k (i32.const 0))
            (local.set $p (i32.add (local.get $cl) (i32.shl (local.get $l) (i32.const 3))))
            (block $kdone
              (loop $ks
                (br_if $kdone (i32.ge_s (local.get $k) (local.get $w)))
                (local.set $ck0 (i32.add (local.get $ap) (i32.mul (i32.add (local.get $j0) (local.get $k)) (local.get $ld))))
                (f64.store (local.get $p)
                  (f64.sub (f64.load (local.get $p))
                    (f64.mul (f64.load (i32.add (local.get $ck0) (i32.shl (local.get $l) (i32.const 3))))
                      (f64.load (i32.add (local.get $wp) (i32.shl (local.get $k) (i32.const 4)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $ks)))
            (br $done)))
        (local.set $cm (i32.add (local.get $cl) (local.get $ld)))
        ;; rows l and l+1 of the two columns (the corner of the triangle), scalar
        (local.set $k (i32.const 0))
        (block $cdone
          (loop $corner
            (br_if $cdone (i32.ge_s (local.get $k) (local.get $w)))
            (local.set $ck0 (i32.add (local.get $ap) (i32.mul (i32.add (local.get $j0) (local.get $k)) (local.get $ld))))
            (local.set $a0 (f64.load (i32.add (local.get $wp) (i32.shl (local.get $k) (i32.const 4)))))
            (local.set $b0 (f64.load (i32.add (local.get $wp) (i32.add (i32.shl (local.get $k) (i32.const 4)) (i32.const 8)))))
            (local.set $p (i32.shl (local.get $l) (i32.const 3)))
            (f64.store (i32.add (local.get $cl) (local.get $p))
              (f64.sub (f64.load (i32.add (local.get $cl) (local.get $p))) (f64.mul (f64.load (i32.add (local.get $ck0) (local.get $p))) (local.get $a0))))
            (local.set $p (i32.add (local.get $p) (i32.const 8)))
            (local.set $t (f64.load (i32.add (local.get $ck0) (local.get $p))))
            (f64.store (i32.add (local.get $cl) (local.get $p))
              (f64.sub (f64.load (i32.add (local.get $cl) (local.get $p))) (f64.mul (local.get $t) (local.get $a0))))
            (f64.store (i32.add (local.get $cm) (local.get $p))
              (f64.sub (f64.load (i32.add (local.get $cm) (local.get $p))) (f64.mul (local.get $t) (local.get $b0))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $corner)))
        ;; rows l+2 .. nd−1: two panel columns at a time
        (local.set $k (i32.const 0))
        (block $kdone
          (loop $ks
            (br_if $kdone (i32.ge_s (local.get $k) (local.get $w)))
            (local.set $ck0 (i32.add (local.get $ap) (i32.mul (i32.add (local.get $j0) (local.get $k)) (local.get $ld))))
            (local.set $a0 (f64.load (i32.add (local.get $wp) (i32.shl (local.get $k) (i32.const 4)))))
            (local.set $b0 (f64.load (i32.add (local.get $wp) (i32.add (i32.shl (local.get $k) (i32.const 4)) (i32.const 8)))))
            (if (i32.lt_s (i32.add (local.get $k) (i32.const 1)) (local.get $w))
              (then
                (local.set $ck1 (i32.add (local.get $ck0) (local.get $ld)))
                (local.set $a1 (f64.load (i32.add (local.get $wp) (i32.add (i32.shl (local.get $k) (i32.const 4)) (i32.const 16)))))
                (local.set $b1 (f64.load (i32.add (local.get $wp) (i32.add (i32.shl (local.get $k) (i32.const 4)) (i32.const 24))))))
              (else
                (local.set $ck1 (local.get $ck0))
                (local.set $a1 (f64.const 0))
                (local.set $b1 (f64.const 0))))
            (local.set $va0 (f64x2.splat (local.get $a0)))
            (local.set $va1 (f64x2.splat (local.get $a1)))
            (local.set $vb0 (f64x2.splat (local.get $b0)))
            (local.set $vb1 (f64x2.splat (local.get $b1)))
            (local.set $i (i32.add (local.get $l) (i32.const 2)))
            (block $rows_done
              (loop $rows
                (br_if $rows_done (i32.ge_s (i32.add (local.get $i) (i32.const 1)) (local.get $nd)))
                (local.set $p (i32.shl (local.get $i) (i32.const 3)))
                (local.set $x0 (v128.load (i32.add (local.get $ck0) (local.get $p))))
                (local.set $x1 (v128.load (i32.add (local.get $ck1) (local.get $p))))
                (v128.store (i32.add (local.get $cl) (local.get $p))
                  (f64x2.sub (v128.load (i32.add (local.get $cl) (local.get $p)))
                    (f64x2.add (f64x2.mul (local.get $x0) (local.get $va0)) (f64x2.mul (local.get $x1) (local.get $va1)))))
                (v128.store (i32.add (local.get $cm) (local.get $p))
                  (f64x2.sub (v128.load (i32.add (local.get $cm) (local.get $p)))
                    (f64x2.add (f64x2.mul (local.get $x0) (local.get $vb0)) (f64x2.mul (local.get $x1) (local.get $vb1)))))
                (local.set $i (i32.add (local.get $i) (i32.const 2)))
                (br $rows)))
            (if (i32.lt_s (local.get $i) (local.get $nd))
              (then
                (local.set $p (i32.shl (local.get $i) (i32.const 3)))
                (local.set $t (f64.load (i32.add (local.get $ck0) (local.get $p))))
                (local.set $a0 (f64.load (i32.add (local.get $ck1) (local.get $p))))
                (f64.store (i32.add (local.get $cl) (local.get $p))
                  (f64.sub (f64.load (i32.add (local.get $cl) (local.get $p)))
                    (f64.add (f64.mul (local.get $t) (f64x2.extract_lane 0 (local.get $va0))) (f64.mul (local.get $a0) (local.get $a1)))))
                (f64.store (i32.add (local.get $cm) (local.get $p))
                  (f64.sub (f64.load (i32.add (local.get $cm) (local.get $p)))
                    (f64.add (f64.mul (local.get $t) (local.get $b0)) (f64.mul (local.get $a0) (local.get $b1)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (br $ks)))
        (local.set $l (i32.add (local.get $l) (i32.const 2)))
        (br $targets))))
)
