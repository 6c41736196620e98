/*
 * dropbear-entropy: SHA-256 (FIPS 180-4), for the seed file.
 *
 * The module links into upstream's programs but must also build alone for
 * the unit tests, so it carries its own small hash instead of reaching into
 * libtomcrypt. It hashes a few hundred bytes per boot: clarity over speed.
 */
#include <string.h>

#include "ent_internal.h"

#if ENT_WITH_SHA256

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void block(struct ent_sha256 *h, const unsigned char *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;

	for (i = 0; i < 16; i++) {
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16
			| (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	}
	for (i = 16; i < 64; i++) {
		t1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		t2 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		w[i] = t1 + w[i - 7] + t2 + w[i - 16];
	}
	a = h->s[0]; b = h->s[1]; c = h->s[2]; d = h->s[3];
	e = h->s[4]; f = h->s[5]; g = h->s[6]; k = h->s[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g; g = f; f = e; e = d + t1;
		d = c; c = b; b = a; a = t1 + t2;
	}
	h->s[0] += a; h->s[1] += b; h->s[2] += c; h->s[3] += d;
	h->s[4] += e; h->s[5] += f; h->s[6] += g; h->s[7] += k;
}

void ent_sha256_init(struct ent_sha256 *h)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	memcpy(h->s, iv, sizeof(iv));
	h->len = 0;
}

void ent_sha256_update(struct ent_sha256 *h, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t used, take;

	while (len > 0) {
		used = (size_t)(h->len % 64);
		take = 64 - used < len ? 64 - used : len;
		memcpy(h->buf + used, p, take);
		h->len += take;
		p += take;
		len -= take;
		if (used + take == 64) {
			block(h, h->buf);
		}
	}
}

void ent_sha256_final(struct ent_sha256 *h, unsigned char out[ENT_SHA256_LEN])
{
	unsigned char pad[72];
	uint64_t bits = h->len * 8;
	size_t n = 64 - (size_t)(h->len % 64);
	int i;

	/* 0x80, zeros, then the 64-bit length: at least 9 bytes */
	if (n < 9) {
		n += 64;
	}
	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++) {
		pad[n - 1 - (size_t)i] = (unsigned char)(bits >> (8 * i));
	}
	ent_sha256_update(h, pad, n);
	for (i = 0; i < 32; i++) {
		out[i] = (unsigned char)(h->s[i / 4] >> (24 - 8 * (i % 4)));
	}
	memset(h, 0, sizeof(*h));
}

#endif /* ENT_WITH_SHA256 */
