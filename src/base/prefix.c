#include "base/prefix.h"

/*@ ghost
  // Ghost lemma functions: each proves a fact about the definitions of
  // spec/prefix.acsl that the SMT provers do not find alone (a loop is an
  // induction on n), for the code below to call. Ghost code: the compiler
  // never sees it.
  /@ requires V >= 1;
     assigns \nothing;
     ensures \forall integer k, m; 0 <= k <= m <= n ==>
                 1 <= llr_pow(V, k) <= llr_pow(V, m);
  @/
  static void llr_pow_mono(uint64_t V, uint64_t n)
  {
      /@ loop invariant 0 <= j <= n;
         loop invariant \forall integer k, m; 0 <= k <= m <= j ==>
                            1 <= llr_pow(V, k) <= llr_pow(V, m);
         loop assigns j;
         loop variant n - j;
      @/
      for (uint64_t j = 0; j < n; j++)
          ;
  }
*/

/*@ ghost
  /@ requires V >= 1;
     assigns \nothing;
     ensures \forall integer k, m; 0 <= k <= m <= n ==>
                 0 <= llr_geom(V, k) <= llr_geom(V, m);
  @/
  static void llr_geom_mono(uint64_t V, uint64_t n)
  {
      llr_pow_mono(V, n);
      /@ loop invariant 0 <= j <= n;
         loop invariant \forall integer k, m; 0 <= k <= m <= j ==>
                            0 <= llr_geom(V, k) <= llr_geom(V, m);
         loop assigns j;
         loop variant n - j;
      @/
      for (uint64_t j = 0; j < n; j++)
          ;
  }
*/

/*@ ghost
  /@ requires V >= 1;
     assigns \nothing;
     ensures p > limit / V ==> p * V > limit;
     ensures p <= limit / V ==> p * V <= limit;
  @/
  static void llr_div_bound(uint64_t p, uint64_t V, uint64_t limit)
  {
  }
*/

/*@ ghost
  /@ requires 0 <= d < V;
     assigns \nothing;
     ensures x < llr_pow(V, k) ==> x * V + d < llr_pow(V, k) * V;
  @/
  static void llr_horner_bound(uint64_t x, int d, int V, int k)
  {
  }
*/

/*@ ghost
  /@ requires V >= 1;
     assigns \nothing;
     ensures a < llr_pow(V, k) * V ==> a / V < llr_pow(V, k);
  @/
  static void llr_div_below(uint64_t a, int V, int k)
  {
  }
*/

/*@ ghost
  /@ requires V >= 1 && n >= 0;
     assigns \nothing;
     ensures llr_pow(V, n + 1) == llr_pow(V, n) * V;
     ensures (llr_pow(V, n) - 1) * V + (V - 1) == llr_pow(V, n + 1) - 1;
  @/
  static void llr_pow_step(int V, int n)
  {
  }
*/

int llr_prefix_count(uint64_t V, uint64_t len, uint64_t limit, uint64_t *out)
{
    uint64_t n = 1;
    //@ ghost llr_pow_mono(V, len);
    /*@ loop invariant 0 <= i <= len;
        loop invariant n == llr_pow(V, i);
        loop invariant 1 <= n <= limit || (i == 0 && n == 1);
        loop assigns i, n;
        loop variant len - i;
    */
    for (uint64_t i = 0; i < len; i++) {
        //@ assert llr_pow(V, i + 1) == n * V;
        //@ ghost llr_div_bound(n, V, limit);
        if (n > limit / V)
            return -1;
        n *= V;
    }
    if (n > limit)
        return -1;
    *out = n;
    return 0;
}

int llr_prefix_total(uint64_t V, uint64_t T, uint64_t limit, uint64_t *out)
{
    uint64_t total = 0, power = 1;
    //@ ghost llr_geom_mono(V, T);
    /*@ loop invariant 0 <= t <= T;
        loop invariant total == llr_geom(V, t);
        loop invariant total <= limit;
        loop invariant t < T ==> power == llr_pow(V, t);
        loop invariant 1 <= power;
        loop assigns t, total, power;
        loop variant T - t;
    */
    for (uint64_t t = 0; t < T; t++) {
        //@ assert llr_geom(V, t + 1) == total + power;
        if (power > limit - total)
            return -1;
        total += power;
        if (t + 1 < T) {
            //@ assert llr_pow(V, t + 1) == power * V;
            //@ assert llr_geom(V, t + 2) == total + power * V;
            //@ ghost llr_div_bound(power, V, limit);
            if (power > limit / V)
                return -1;
            power *= V;
        }
    }
    *out = total;
    return 0;
}

int llr_prefix_next(int *tok, int len, int V)
{
    /*@ loop invariant -1 <= i < len;
        loop invariant tokens_in_range(tok, len, V);
        loop invariant \forall integer j; 0 <= j <= i ==>
                           tok[j] == \at(tok[j], Pre);
        loop invariant \forall integer j; i < j < len ==>
                           tok[j] == 0 && \at(tok[j], Pre) == V - 1;
        loop assigns i, tok[0 .. len - 1];
        loop variant i + 1;
    */
    for (int i = len - 1; i >= 0; i--) {
        if (tok[i] + 1 < V) {
            tok[i]++;
            /*@ ghost
              // The index went up by one (induction on the length n).
              /@ assert \forall integer j; 0 <= j < len ==>
                     (j < i ==> tok[j] == \at(tok[j], Pre)) &&
                     (j == i ==> tok[j] == \at(tok[j], Pre) + 1) &&
                     (j > i ==> tok[j] == 0 && \at(tok[j], Pre) == V - 1); @/
              /@ loop invariant 0 <= n <= len;
                 loop invariant n <= i ==>
                     llr_index(tok, n, V) == llr_index{Pre}(tok, n, V);
                 loop invariant n > i ==>
                     llr_index(tok, n, V) == llr_index{Pre}(tok, n, V) + 1;
                 loop assigns n;
                 loop variant len - n;
              @/
              for (int n = 0; n < len; n++) {
                  /@ assert \let k = n; \let old = \at(tok[k], Pre);
                            llr_index{Pre}(tok, k + 1, V) ==
                                llr_index{Pre}(tok, k, V) * V + old &&
                            (k < i ==> tok[k] == old) &&
                            (k == i ==> tok[k] == old + 1) &&
                            (k > i ==> tok[k] == 0 && old == V - 1); @/
                  /@ assert llr_index(tok, n + 1, V) ==
                            llr_index(tok, n, V) * V + tok[n]; @/
                  /@ assert n > i ==> llr_index(tok, n, V) * V ==
                            llr_index{Pre}(tok, n, V) * V + V; @/
              }
            */
            return 1;
        }
        tok[i] = 0;
    }
    /*@ ghost
      // The index was the last one, V^len - 1, and is now 0.
      /@ loop invariant 0 <= n <= len;
         loop invariant llr_index(tok, n, V) == 0;
         loop invariant llr_index{Pre}(tok, n, V) == llr_pow(V, n) - 1;
         loop assigns n;
         loop variant len - n;
      @/
      for (int n = 0; n < len; n++) {
          /@ assert llr_index{Pre}(tok, n + 1, V) ==
                    llr_index{Pre}(tok, n, V) * V + (V - 1); @/
          llr_pow_step(V, n);
      }
    */
    return 0;
}

uint64_t llr_prefix_index(const int *tok, int len, int V)
{
    uint64_t idx = 0;
    //@ ghost llr_pow_mono((uint64_t)V, (uint64_t)len);
    /*@ loop invariant 0 <= i <= len;
        loop invariant idx == llr_index(tok, i, V);
        loop invariant idx < llr_pow(V, i);
        loop assigns i, idx;
        loop variant len - i;
    */
    for (int i = 0; i < len; i++) {
        //@ assert pow_step: llr_pow(V, i + 1) == llr_pow(V, i) * V;
        //@ assert pow_le: llr_pow(V, i + 1) <= llr_pow(V, len);
        //@ ghost llr_horner_bound(idx, tok[i], V, i);
        //@ assert horner: idx * V + tok[i] < llr_pow(V, i) * V;
        //@ assert no_wrap: idx * V + tok[i] < 18446744073709551616;
        //@ assert llr_index(tok, i + 1, V) == idx * V + tok[i];
        idx = idx * (uint64_t)V + (uint64_t)tok[i];
    }
    return idx;
}

void llr_prefix_from_index(uint64_t index, int len, int V, int *tok)
{
    /*@ loop invariant -1 <= i < len;
        loop invariant \forall integer j; i < j < len ==> 0 <= tok[j] < V;
        loop invariant index == llr_quot(\at(index, Pre), V, len - 1 - i);
        loop invariant \forall integer j; i < j < len ==>
            tok[j] == llr_quot(\at(index, Pre), V, len - 1 - j) % V;
        loop invariant \at(index, Pre) < llr_pow(V, len) ==>
            index < llr_pow(V, i + 1);
        loop assigns i, index, tok[0 .. len - 1];
        loop variant i + 1;
    */
    for (int i = len - 1; i >= 0; i--) {
        //@ ghost llr_div_below(index, V, i);
        tok[i] = (int)(index % (uint64_t)V);
        index /= (uint64_t)V;
    }
    /*@ ghost
      // The tokens read back as the index (Horner's rule, digit by digit).
      /@ loop invariant 0 <= n <= len;
         loop invariant \at(index, Pre) < llr_pow(V, len) ==>
             llr_index(tok, n, V) == llr_quot(\at(index, Pre), V, len - n);
         loop assigns n;
         loop variant len - n;
      @/
      for (int n = 0; n < len; n++) {
          /@ assert llr_index(tok, n + 1, V) ==
                    llr_index(tok, n, V) * V + tok[n]; @/
          /@ assert llr_quot(\at(index, Pre), V, len - n) ==
                    llr_quot(\at(index, Pre), V, len - 1 - n) / V; @/
          /@ assert \let q = llr_quot(\at(index, Pre), V, len - 1 - n);
                    (q / V) * V + q % V == q; @/
      }
    */
}
