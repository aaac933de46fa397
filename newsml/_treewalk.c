/* The leaf that each row of a feature matrix reaches in each tree of a flat tree ensemble.
 *
 * newsml.trees.CompiledTrees calls leaf_values() when this module is built; it
 * walks the same trees with numpy otherwise. The walk is the same as numpy's:
 * a row goes right when its value is above the node's threshold, and a missing
 * value (NaN) goes the way the node's missing_left says. The caller sums the
 * leaf values per row with numpy, so both ways give the same sums bit for bit.
 *
 * The trees are checked in Python (children inside the trees, features inside
 * the rows, no cycle) before they reach this module; the walk still checks
 * each step, so that bad arrays raise ValueError instead of reading out of
 * bounds.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>

static int
check_length(const Py_buffer *buf, Py_ssize_t count, Py_ssize_t itemsize, const char *name)
{
    if (buf->len != count * itemsize) {
        PyErr_Format(PyExc_ValueError, "%s holds %zd bytes, expected %zd", name, buf->len, count * itemsize);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(leaf_values_doc,
"leaf_values(feature, threshold, missing_left, children, is_leaf, roots, value, X, n_features, out)\n\n"
"Write into ``out`` (float64, rows x trees) the leaf value each row of ``X``\n"
"(float64, C order, ``n_features`` columns) reaches in each tree. ``feature``,\n"
"``children`` (two per node) and ``roots`` are int32, ``threshold`` and ``value``\n"
"float64, ``missing_left`` and ``is_leaf`` one byte per node.");

static PyObject *
leaf_values(PyObject *self, PyObject *args)
{
    Py_buffer feature, threshold, missing_left, children, is_leaf, roots, value, X, out;
    Py_ssize_t n_features;
    PyObject *result = NULL;
    int bad_step = 0;

    if (!PyArg_ParseTuple(args, "y*y*y*y*y*y*y*y*nw*:leaf_values", &feature, &threshold, &missing_left,
                          &children, &is_leaf, &roots, &value, &X, &n_features, &out))
        return NULL;

    const Py_ssize_t n_nodes = threshold.len / (Py_ssize_t)sizeof(double);
    const Py_ssize_t n_trees = roots.len / (Py_ssize_t)sizeof(int32_t);
    Py_ssize_t n_rows = 0;
    if (n_features <= 0) {
        PyErr_SetString(PyExc_ValueError, "n_features must be positive");
        goto done;
    }
    n_rows = X.len / ((Py_ssize_t)sizeof(double) * n_features);
    if (check_length(&threshold, n_nodes, sizeof(double), "threshold") < 0 ||
        check_length(&feature, n_nodes, sizeof(int32_t), "feature") < 0 ||
        check_length(&missing_left, n_nodes, 1, "missing_left") < 0 ||
        check_length(&children, 2 * n_nodes, sizeof(int32_t), "children") < 0 ||
        check_length(&is_leaf, n_nodes, 1, "is_leaf") < 0 ||
        check_length(&value, n_nodes, sizeof(double), "value") < 0 ||
        check_length(&roots, n_trees, sizeof(int32_t), "roots") < 0 ||
        check_length(&X, n_rows * n_features, sizeof(double), "X") < 0 ||
        check_length(&out, n_rows * n_trees, sizeof(double), "out") < 0)
        goto done;

    {
        const int32_t *feat = feature.buf, *child = children.buf, *root = roots.buf;
        const double *thr = threshold.buf, *val = value.buf, *x = X.buf;
        const unsigned char *left_if_missing = missing_left.buf, *leaf = is_leaf.buf;
        double *leaves = out.buf;

        Py_BEGIN_ALLOW_THREADS
        for (Py_ssize_t r = 0; r < n_rows && !bad_step; r++) {
            const double *row = x + r * n_features;
            for (Py_ssize_t t = 0; t < n_trees; t++) {
                int32_t node = root[t];
                /* A path is at most n_nodes steps long in trees without cycles. */
                Py_ssize_t steps = 0;
                while (node >= 0 && node < n_nodes && !leaf[node] && steps++ < n_nodes) {
                    int32_t f = feat[node];
                    if (f < 0 || f >= n_features) {
                        node = -1;
                        break;
                    }
                    double v = row[f];
                    int right = isnan(v) ? !left_if_missing[node] : v > thr[node];
                    node = child[2 * (Py_ssize_t)node + right];
                }
                if (node < 0 || node >= n_nodes || !leaf[node]) {
                    bad_step = 1;
                    break;
                }
                leaves[r * n_trees + t] = val[node];
            }
        }
        Py_END_ALLOW_THREADS
    }
    if (bad_step) {
        PyErr_SetString(PyExc_ValueError, "tree arrays lead outside the trees or the features");
        goto done;
    }
    result = Py_NewRef(Py_None);

done:
    PyBuffer_Release(&feature);
    PyBuffer_Release(&threshold);
    PyBuffer_Release(&missing_left);
    PyBuffer_Release(&children);
    PyBuffer_Release(&is_leaf);
    PyBuffer_Release(&roots);
    PyBuffer_Release(&value);
    PyBuffer_Release(&X);
    PyBuffer_Release(&out);
    return result;
}

/* One level down a complete tree: the slot below ``slot`` that ``row`` goes to.
 * A feature outside the row sets *bad and stays at the slot's left child. */
static inline Py_ssize_t
step(const int32_t *feat, const double *thr, const unsigned char *left_if_missing, const double *row,
     Py_ssize_t n_features, Py_ssize_t slot, int *bad)
{
    int32_t f = feat[slot];
    if ((uint32_t)f >= (uint64_t)n_features) {
        *bad = 1;
        return 2 * slot + 1;
    }
    double v = row[f];
    int right = isnan(v) ? !left_if_missing[slot] : v > thr[slot];
    return 2 * slot + 1 + right;
}

PyDoc_STRVAR(complete_leaf_values_doc,
"complete_leaf_values(feature, threshold, missing_left, leaves, depth, X, n_features, out)\n\n"
"As leaf_values, for trees padded to complete binary trees of ``depth`` levels:\n"
"``feature`` (int32), ``threshold`` (float64) and ``missing_left`` (one byte) hold\n"
"2**depth - 1 inner slots per tree, ``leaves`` (float64) 2**depth slots per tree.");

static PyObject *
complete_leaf_values(PyObject *self, PyObject *args)
{
    Py_buffer feature, threshold, missing_left, leaves, X, out;
    int depth;
    Py_ssize_t n_features;
    PyObject *result = NULL;
    int bad_feature = 0;

    if (!PyArg_ParseTuple(args, "y*y*y*y*iy*nw*:complete_leaf_values", &feature, &threshold, &missing_left,
                          &leaves, &depth, &X, &n_features, &out))
        return NULL;

    Py_ssize_t n_trees = 0, n_rows = 0;
    if (depth < 0 || depth > 20 || n_features <= 0) {
        PyErr_SetString(PyExc_ValueError, "depth must be 0 to 20 and n_features positive");
        goto done;
    }
    const Py_ssize_t inner = ((Py_ssize_t)1 << depth) - 1, width = inner + 1;
    n_trees = leaves.len / ((Py_ssize_t)sizeof(double) * width);
    n_rows = X.len / ((Py_ssize_t)sizeof(double) * n_features);
    if (check_length(&leaves, n_trees * width, sizeof(double), "leaves") < 0 ||
        check_length(&feature, n_trees * inner, sizeof(int32_t), "feature") < 0 ||
        check_length(&threshold, n_trees * inner, sizeof(double), "threshold") < 0 ||
        check_length(&missing_left, n_trees * inner, 1, "missing_left") < 0 ||
        check_length(&X, n_rows * n_features, sizeof(double), "X") < 0 ||
        check_length(&out, n_rows * n_trees, sizeof(double), "out") < 0)
        goto done;

    {
        const double *x = X.buf;
        double *sink = out.buf;

        Py_BEGIN_ALLOW_THREADS
        /* Tree by tree, all rows: the rows' walks are independent, and every walk
         * takes exactly depth steps, so the processor overlaps them. */
        for (Py_ssize_t t = 0; t < n_trees && !bad_feature; t++) {
            const int32_t *feat = (const int32_t *)feature.buf + t * inner;
            const double *thr = (const double *)threshold.buf + t * inner;
            const unsigned char *left_if_missing = (const unsigned char *)missing_left.buf + t * inner;
            const double *leaf = (const double *)leaves.buf + t * width;
            /* Four rows at a time: their walks are independent chains of loads that
             * the processor overlaps. */
            Py_ssize_t r = 0;
            for (; r + 4 <= n_rows; r += 4) {
                const double *row = x + r * n_features;
                Py_ssize_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                for (int level = 0; level < depth; level++) {
                    s0 = step(feat, thr, left_if_missing, row, n_features, s0, &bad_feature);
                    s1 = step(feat, thr, left_if_missing, row + n_features, n_features, s1, &bad_feature);
                    s2 = step(feat, thr, left_if_missing, row + 2 * n_features, n_features, s2, &bad_feature);
                    s3 = step(feat, thr, left_if_missing, row + 3 * n_features, n_features, s3, &bad_feature);
                }
                if (bad_feature)
                    break;
                sink[r * n_trees + t] = leaf[s0 - inner];
                sink[(r + 1) * n_trees + t] = leaf[s1 - inner];
                sink[(r + 2) * n_trees + t] = leaf[s2 - inner];
                sink[(r + 3) * n_trees + t] = leaf[s3 - inner];
            }
            for (; r < n_rows && !bad_feature; r++) {
                Py_ssize_t slot = 0;
                for (int level = 0; level < depth; level++)
                    slot = step(feat, thr, left_if_missing, x + r * n_features, n_features, slot, &bad_feature);
                sink[r * n_trees + t] = leaf[slot - inner];
            }
        }
        Py_END_ALLOW_THREADS
    }
    if (bad_feature) {
        PyErr_SetString(PyExc_ValueError, "tree arrays name a feature outside the rows");
        goto done;
    }
    result = Py_NewRef(Py_None);

done:
    PyBuffer_Release(&feature);
    PyBuffer_Release(&threshold);
    PyBuffer_Release(&missing_left);
    PyBuffer_Release(&leaves);
    PyBuffer_Release(&X);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef methods[] = {
    {"leaf_values", leaf_values, METH_VARARGS, leaf_values_doc},
    {"complete_leaf_values", complete_leaf_values, METH_VARARGS, complete_leaf_values_doc},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_treewalk", "Tree walks for newsml.trees, in C.", -1, methods,
};

PyMODINIT_FUNC
PyInit__treewalk(void)
{
    return PyModule_Create(&module);
}
