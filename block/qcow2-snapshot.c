/* SPDX-License-Identifier: MIT */
/*
 * qcow2 internal snapshot table (read only).
 *
 * Snapshots made by QEMU (savevm, qemu-img snapshot) are kept intact: the
 * table is read so that kemu-img check counts the clusters the snapshots
 * reference, the overlap check protects their L1 tables, and writes to
 * clusters shared with a snapshot copy them first (refcount > 1, no
 * "copied" flag). Creating, applying or deleting snapshots is not done.
 * Entry layout: 40-byte header, extra data, id string, name, 8-aligned.
 * Reference: QEMU docs/interop/qcow2.txt, "Snapshots".
 */
#include <errno.h>

#include "block/qcow2.h"

#define SNAPSHOT_MAX_EXTRA 1024
#define SNAPSHOT_TABLE_MAX (1024ULL * QCOW2_MAX_SNAPSHOTS)

void qcow2_free_snapshots(BDRVQcow2State *s)
{
    for (uint32_t i = 0; s->snapshots && i < s->nb_snapshots; i++) {
        free(s->snapshots[i].id_str);
        free(s->snapshots[i].name);
    }
    free(s->snapshots);
    s->snapshots = NULL;
}

static char *qcow2_read_string(BDRVQcow2State *s, uint64_t offset, uint16_t len, int *ret)
{
    char *str = xzalloc((size_t)len + 1);

    *ret = bdrv_pread(s->bs->file, (int64_t)offset, str, len);
    return str;
}

static void qcow2_parse_snapshot_extra(Qcow2Snapshot *sn, const uint8_t *extra, uint32_t len)
{
    if (len >= 8)
        sn->vm_state_size = be64_load(extra);
    if (len >= 16)
        sn->disk_size = be64_load(extra + 8);
    sn->icount = len >= 24 ? be64_load(extra + 16) : UINT64_MAX;
}

/* Read entry i at *offset and advance *offset past it. */
static int qcow2_read_snapshot(BDRVQcow2State *s, uint32_t i, uint64_t *offset, Error **errp)
{
    Qcow2Snapshot *sn = &s->snapshots[i];
    uint8_t h[QCOW2_SNAPSHOT_HDR_LEN], extra[SNAPSHOT_MAX_EXTRA];
    uint32_t extra_len;
    uint16_t id_len, name_len;
    int ret = bdrv_pread(s->bs->file, (int64_t)*offset, h, sizeof(h));

    if (ret < 0) {
        error_setg_errno(errp, -ret, "Failed to read snapshot table");
        return ret;
    }
    sn->l1_table_offset = be64_load(h);
    sn->l1_size = be32_load(h + 8);
    id_len = be16_load(h + 12);
    name_len = be16_load(h + 14);
    sn->date_sec = be32_load(h + 16);
    sn->date_nsec = be32_load(h + 20);
    sn->vm_clock_nsec = be64_load(h + 24);
    sn->vm_state_size = be32_load(h + 32);
    sn->disk_size = s->size;
    extra_len = be32_load(h + 36);
    if (extra_len > SNAPSHOT_MAX_EXTRA) {
        error_setg(errp, "Too much extra metadata in snapshot table entry %u", i);
        return -EFBIG;
    }
    *offset += sizeof(h);
    if ((ret = bdrv_pread(s->bs->file, (int64_t)*offset, extra, extra_len)) < 0) {
        error_setg_errno(errp, -ret, "Failed to read snapshot table");
        return ret;
    }
    qcow2_parse_snapshot_extra(sn, extra, extra_len);
    *offset += extra_len;
    sn->id_str = qcow2_read_string(s, *offset, id_len, &ret);
    *offset += id_len;
    if (ret == 0)
        sn->name = qcow2_read_string(s, *offset, name_len, &ret);
    *offset = ROUND_UP(*offset + name_len, 8);
    if (ret < 0)
        error_setg_errno(errp, -ret, "Failed to read snapshot table");
    return ret;
}

static int qcow2_validate_snapshot_l1(BDRVQcow2State *s, Qcow2Snapshot *sn, uint32_t i,
                                      Error **errp)
{
    if (sn->l1_size > QCOW2_MAX_L1_BYTES / 8) {
        error_setg(errp, "Snapshot L1 table too large (snapshot %u)", i);
        return -EFBIG;
    }
    if (qcow2_offset_into_cluster(s, sn->l1_table_offset) ||
        sn->l1_table_offset > (uint64_t)INT64_MAX - (uint64_t)sn->l1_size * 8) {
        error_setg(errp, "Snapshot L1 table offset invalid (snapshot %u)", i);
        return -EINVAL;
    }
    return 0;
}

int qcow2_read_snapshots(BDRVQcow2State *s, Error **errp)
{
    uint64_t offset = s->snapshots_offset;
    int ret = 0;

    s->snapshots = XNEW0N(Qcow2Snapshot, s->nb_snapshots ? s->nb_snapshots : 1);
    for (uint32_t i = 0; i < s->nb_snapshots && ret == 0; i++) {
        ret = qcow2_read_snapshot(s, i, &offset, errp);
        if (ret == 0 && offset - s->snapshots_offset > SNAPSHOT_TABLE_MAX) {
            error_setg(errp, "Snapshot table too large");
            ret = -EFBIG;
        }
        if (ret == 0)
            ret = qcow2_validate_snapshot_l1(s, &s->snapshots[i], i, errp);
    }
    s->snapshots_size = offset - s->snapshots_offset;
    if (ret < 0)
        qcow2_free_snapshots(s);
    return ret;
}

int qcow2_snapshot_list(BlockDriverState *bs, BlockSnapshotInfo **list)
{
    BDRVQcow2State *s = bs->opaque;
    BlockSnapshotInfo *l;

    *list = NULL;
    if (!s->snapshots || !s->nb_snapshots)
        return 0;
    l = XNEW0N(BlockSnapshotInfo, s->nb_snapshots);
    for (uint32_t i = 0; i < s->nb_snapshots; i++) {
        Qcow2Snapshot *sn = &s->snapshots[i];

        l[i] = (BlockSnapshotInfo){
            .id = sn->id_str, .name = sn->name, .vm_state_size = sn->vm_state_size,
            .date_sec = sn->date_sec, .date_nsec = sn->date_nsec,
            .vm_clock_nsec = sn->vm_clock_nsec, .icount = sn->icount,
        };
    }
    *list = l;
    return (int)s->nb_snapshots;
}
