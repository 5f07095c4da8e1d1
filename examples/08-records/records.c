// SPDX-License-Identifier: MIT
/*
 * Tutorial 8: length-prefixed records, read by chains that decide their own I/O.
 * The program writes a log (include/log_record.h): records of 1 to 4096 bytes,
 * each after an 8-byte header holding its length and CRC32C, and a zero header at
 * the end. Where a record starts depends on every length before it, so reading
 * the log takes a header read, then a body read, record after record: two
 * dependent round trips each. Here a chain walks 4 records in one submission:
 *
 *   (read header -> parse_header -> read body -> check_body) x 4
 *
 * parse_header steers the body read to exactly the body; check_body checksums it
 * against the header and steers the next header read; at the end of the log
 * parse_header ends the chain. Each chain starts where the last one stopped (its
 * record says where). Every body is checked byte for byte against the log as
 * written, and every read against where the record really is.
 */
#include <string.h>
#include <log_record.h>
#include "example.h"
#include "records.skel.h"

enum { PARSE_SLOT, CHECK_SLOT };
#define NR_RECORDS	30

/* The log as written, and where each record's body is in it. */
struct log {
	unsigned char	bytes[NR_RECORDS * (sizeof(struct log_header) + LOG_MAX_BODY) +
			      sizeof(struct log_header)];
	size_t		size;
	__u64		body_pos[NR_RECORDS];
	__u32		body_len[NR_RECORDS];
};

/* Where the walk is, between chains. */
struct reader {
	const struct log *log;
	__u64		pos;		/* the next header */
	unsigned int	record;		/* the next record */
	unsigned int	chains;
	int		ended;
};

/* A chain's buffers: the header reads share one, each body read has its own. */
static unsigned char header[sizeof(struct log_header)];
static unsigned char bodies[LOG_RECORDS_PER_CHAIN][LOG_MAX_BODY];

static void write_log(int fd, struct log *log)
{
	__u64 seed = 8;

	for (unsigned int i = 0; i < NR_RECORDS; i++) {
		struct log_header h;
		unsigned char *body = log->bytes + log->size + sizeof(h);

		seed ^= seed << 13;
		seed ^= seed >> 7;
		seed ^= seed << 17;
		/* the shortest and the longest body first, then any length */
		h.len = i == 0 ? 1 : i == 1 ? LOG_MAX_BODY : (__u32)(seed % LOG_MAX_BODY) + 1;
		for (__u32 k = 0; k < h.len; k++)
			body[k] = (unsigned char)(seed >> (k % 56) ^ k);
		h.crc = rf_crc32c_mem(body, h.len);
		memcpy(log->bytes + log->size, &h, sizeof(h));
		log->body_pos[i] = log->size + sizeof(h);
		log->body_len[i] = h.len;
		log->size += sizeof(h) + h.len;
	}
	memset(log->bytes + log->size, 0, sizeof(struct log_header));	/* the end */
	log->size += sizeof(struct log_header);
	check_io(pwrite(fd, log->bytes, log->size, 0), log->size, "writing the log");
}

/* One chain of LOG_RECORDS_PER_CHAIN records from @pos on. */
static void queue_walk(struct rf_ring *ring, struct rf_object *obj, int fd, __u64 pos)
{
	struct rf_chain *c = check_ptr(rf_chain_new(ring, obj), "new chain");
	struct log_walk *walk = rf_chain_record(c);

	walk->next = pos;
	for (unsigned int k = 0; k < LOG_RECORDS_PER_CHAIN; k++) {
		/* only the first read's position is known here: the ops steer the others */
		rf_chain_read(c, fd, header, sizeof(header), k ? 0 : pos);
		rf_stage_buf(rf_chain_bpf(c, PARSE_SLOT, 0), header, sizeof(header));
		rf_chain_read(c, fd, bodies[k], LOG_MAX_BODY, 0);
		rf_stage_buf(rf_chain_bpf(c, CHECK_SLOT, 0), bodies[k], LOG_MAX_BODY);
	}
	check(rf_chain_queue(c), "queueing");
}

/* Each body: read where its header said, as long as it said, as written. */
static void check_record(const struct rf_chain_result *r, const struct reader *rd,
			 unsigned int k)
{
	const struct log_walk *walk = r->record;
	unsigned int i = rd->record + k, s = k * LOG_STAGES_PER_RECORD + 2;
	const struct log *log = rd->log;

	expect(i < NR_RECORDS, "no more records are read than were written");
	expect(r->pos[s] == log->body_pos[i] && r->len[s] == log->body_len[i] &&
	       r->res[s] == (__s32)log->body_len[i], "a body is read where its header says");
	expect(memcmp(bodies[k], log->bytes + log->body_pos[i], log->body_len[i]) == 0,
	       "a body is read byte for byte as written");
	expect(walk->crc[k] == rf_crc32c_mem(bodies[k], walk->len[k]),
	       "a body's crc32c is the one computed here");
}

static void walked(const struct rf_chain_result *r, void *arg)
{
	const struct log_walk *walk = r->record;
	struct reader *rd = arg;
	char line[256];

	rf_chain_describe(r, line, sizeof(line));
	if (r->status) {
		fprintf(stderr, "  chain %u: %s\n", rd->chains, line);
		exit(1);
	}
	printf("  chain %u:", rd->chains++);
	for (unsigned int k = 0; k < walk->records; k++) {
		check_record(r, rd, k);
		printf("%s %u byte%s at %llu", k ? "," : " bodies of", walk->len[k],
		       walk->len[k] == 1 ? "" : "s",
		       (unsigned long long)r->pos[k * LOG_STAGES_PER_RECORD + 2]);
	}
	rd->ended = r->ended_at >= 0;
	if (rd->ended)
		printf("%s the end of the log: %s", walk->records ? "; then" : "", line);
	printf("\n");
	expect(rd->ended || walk->records == LOG_RECORDS_PER_CHAIN,
	       "a chain walks all its records, unless the log ends");
	rd->record += walk->records;
	rd->pos = walk->next;
}

int main(void)
{
	static struct log log;
	struct reader rd = { .log = &log };
	struct rf_object *obj;
	struct rf_ring *ring;
	struct records *skel;
	int fd;

	check(rf_probe(), "probing the kernel");
	skel = check_ptr(records__open(), "opening the skeleton");
	check(rf_object_open(skel->obj, &obj), "creating the record map");
	check(rf_load_skeleton(skel->skeleton), "loading");
	check(records__attach(skel), "attaching");
	check(rf_ring_create(NULL, &ring), "creating the ring");
	check(rf_ring_bind(ring, PARSE_SLOT, skel->links.parse_header), "binding parse_header");
	check(rf_ring_bind(ring, CHECK_SLOT, skel->links.check_body), "binding check_body");

	fd = scratch_file();
	write_log(fd, &log);
	printf("a log of %d records in a /tmp file, %zu bytes: each an 8-byte header (body length,\n"
	       "  crc32c) and the body, a zero header at the end\n", NR_RECORDS, log.size);
	printf("walking it, %d records per chain: (read header -> parse_header -> read body -> "
	       "check_body) x %d\n", LOG_RECORDS_PER_CHAIN, LOG_RECORDS_PER_CHAIN);
	while (!rd.ended) {
		queue_walk(ring, obj, fd, rd.pos);
		check(rf_ring_drain(ring, walked, &rd) != 1, "walking");
	}
	expect(rd.record == NR_RECORDS, "every record written is read");
	printf("%u records in %u submissions instead of %d dependent reads: every body read where\n"
	       "  its header said, byte for byte as written, its crc32c as computed here\n",
	       rd.record, rd.chains, 2 * NR_RECORDS + 1);

	close(fd);
	rf_ring_destroy(ring);
	rf_object_close(obj);
	records__destroy(skel);
	return 0;
}
