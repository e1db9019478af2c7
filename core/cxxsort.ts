// libstdc++'s std::sort (introsort + final insertion sort), step for step. sysdig sorts some tables
// (e.g. the -S summary) with std::sort and an unstable comparator, so equal rows come out in the
// order this exact algorithm leaves them; reproducing the algorithm reproduces the order.

type Less<T> = (a: T, b: T) => boolean;

const THRESHOLD = 16;

function moveMedianToFirst<T>(v: T[], result: number, a: number, b: number, c: number, less: Less<T>): void {
  const swap = (i: number, j: number): void => {
    const t = v[i]!;
    v[i] = v[j]!;
    v[j] = t;
  };
  if (less(v[a]!, v[b]!)) {
    if (less(v[b]!, v[c]!)) swap(result, b);
    else if (less(v[a]!, v[c]!)) swap(result, c);
    else swap(result, a);
  } else if (less(v[a]!, v[c]!)) swap(result, a);
  else if (less(v[b]!, v[c]!)) swap(result, c);
  else swap(result, b);
}

function unguardedPartition<T>(v: T[], first: number, last: number, pivot: number, less: Less<T>): number {
  while (true) {
    while (less(v[first]!, v[pivot]!)) first++;
    last--;
    while (less(v[pivot]!, v[last]!)) last--;
    if (!(first < last)) return first;
    const t = v[first]!;
    v[first] = v[last]!;
    v[last] = t;
    first++;
  }
}

function adjustHeap<T>(v: T[], base: number, hole: number, len: number, value: T, less: Less<T>): void {
  const top = hole;
  let second = hole;
  while (second < Math.floor((len - 1) / 2)) {
    second = 2 * (second + 1);
    if (less(v[base + second]!, v[base + second - 1]!)) second--;
    v[base + hole] = v[base + second]!;
    hole = second;
  }
  if ((len & 1) === 0 && second === Math.floor((len - 2) / 2)) {
    second = 2 * (second + 1);
    v[base + hole] = v[base + second - 1]!;
    hole = second - 1;
  }
  // push_heap
  let parent = Math.floor((hole - 1) / 2);
  while (hole > top && less(v[base + parent]!, value)) {
    v[base + hole] = v[base + parent]!;
    hole = parent;
    parent = Math.floor((hole - 1) / 2);
  }
  v[base + hole] = value;
}

function heapSort<T>(v: T[], first: number, last: number, less: Less<T>): void {
  const len = last - first;
  if (len >= 2) {
    for (let parent = Math.floor((len - 2) / 2); ; parent--) {
      adjustHeap(v, first, parent, len, v[first + parent]!, less);
      if (parent === 0) break;
    }
  }
  for (let end = last; end - first > 1;) {
    end--;
    const value = v[end]!;
    v[end] = v[first]!;
    adjustHeap(v, first, 0, end - first, value, less);
  }
}

function introsortLoop<T>(v: T[], first: number, last: number, depth: number, less: Less<T>): void {
  while (last - first > THRESHOLD) {
    if (depth === 0) {
      heapSort(v, first, last, less);
      return;
    }
    depth--;
    const mid = first + Math.floor((last - first) / 2);
    moveMedianToFirst(v, first, first + 1, mid, last - 1, less);
    const cut = unguardedPartition(v, first + 1, last, first, less);
    introsortLoop(v, cut, last, depth, less);
    last = cut;
  }
}

function insertionSort<T>(v: T[], first: number, last: number, less: Less<T>): void {
  if (first === last) return;
  for (let i = first + 1; i < last; i++) {
    const val = v[i]!;
    if (less(val, v[first]!)) {
      for (let k = i; k > first; k--) v[k] = v[k - 1]!;
      v[first] = val;
    } else {
      let k = i;
      while (less(val, v[k - 1]!)) {
        v[k] = v[k - 1]!;
        k--;
      }
      v[k] = val;
    }
  }
}

function unguardedInsertionSort<T>(v: T[], first: number, last: number, less: Less<T>): void {
  for (let i = first; i < last; i++) {
    const val = v[i]!;
    let k = i;
    while (less(val, v[k - 1]!)) {
      v[k] = v[k - 1]!;
      k--;
    }
    v[k] = val;
  }
}

/** Sort `v` in place exactly as libstdc++'s std::sort(v.begin(), v.end(), less) would. */
export function cxxSort<T>(v: T[], less: Less<T>): T[] {
  const n = v.length;
  if (n < 2) return v;
  introsortLoop(v, 0, n, 2 * Math.floor(Math.log2(n)), less);
  if (n > THRESHOLD) {
    insertionSort(v, 0, THRESHOLD, less);
    unguardedInsertionSort(v, THRESHOLD, n, less);
  } else insertionSort(v, 0, n, less);
  return v;
}
