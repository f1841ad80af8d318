// Schema inference from hand-made statistics (protobuf JSON form, zeros left out as protobuf
// does), checked against the schema TFDV's rules give, worked out by hand.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { UserError } from '../../server/common/errors';
import { newMessage } from '../../server/datavalidation/schema';
import { inferSchema, serializePath, type CommonStatistics, type DatasetFeatureStatisticsList, type FeatureNameStatistics } from '../../server/datavalidation/schemaInfer';
import { parseSchemaText, printSchemaText } from '../../server/datavalidation/schemaText';

/** Common statistics as protobuf's JSON writes them: int64 in strings, zeros left out. */
function common(present: number, missing: number, minValues: number, maxValues: number): CommonStatistics {
  const out: CommonStatistics = {};
  if (present) out.numNonMissing = String(present);
  if (missing) out.numMissing = String(missing);
  if (minValues) out.minNumValues = String(minValues);
  if (maxValues) out.maxNumValues = String(maxValues);
  return out;
}

function strings(steps: string[], present: number, missing: number, minValues: number, maxValues: number, values: [string, number][], unique = values.length): FeatureNameStatistics {
  return {
    path: { step: steps },
    type: 'STRING',
    stringStats: {
      commonStats: common(present, missing, minValues, maxValues),
      unique: String(unique),
      topValues: values.slice(0, 2).map(([value, frequency]) => ({ value, frequency })),
      rankHistogram: { buckets: values.map(([label, sampleCount], i) => ({ ...(i ? { lowRank: String(i), highRank: String(i) } : {}), label, sampleCount })) },
    },
  };
}

const STATS: DatasetFeatureStatisticsList = {
  datasets: [{
    numExamples: '100',
    features: [
      { path: { step: ['age'] }, numStats: { commonStats: common(100, 0, 1, 1), mean: 38.6, min: 17, max: 90 } }, // type INT is the default
      strings(['workclass'], 95, 5, 1, 1, [['Private', 60], ['Self-emp', 20], ['Federal-gov', 15]]),
      { ...strings(['tags'], 100, 0, 1, 5, [['a', 90], ['b', 80]], 250) },
      { path: { step: ['is_member'] }, type: 'INT', numStats: { commonStats: common(100, 0, 1, 1), max: 1, numZeros: '40' } },
      strings(['opted_in'], 80, 20, 1, 1, [['true', 50], ['false', 30]]),
      strings(['zip'], 100, 0, 1, 1, [['94110', 50], ['10001', 30], ['02134', 20]]),
      { path: { step: ['payload'] }, type: 3, bytesStats: { commonStats: common(10, 90, 1, 1), unique: '10' } },
      strings(['notes'], 100, 0, 1, 1, [['fine', 60], ['__BYTES_VALUE__', 40]]),
      { path: { step: ['never'] }, type: 'FLOAT', numStats: { commonStats: common(0, 100, 0, 0) } },
      { path: { step: ['price'] }, type: 'FLOAT', numStats: { commonStats: common(100, 0, 1, 1), min: 0.1, max: 199.99 } },
      strings(['city'], 95, 5, 1, 1, [['Paris', 30], ['Oslo', 20]], 30),
      { path: { step: ['purchase'] }, type: 'STRUCT', structStats: { commonStats: common(40, 60, 1, 3) } },
      strings(['purchase', 'item'], 40, 0, 1, 1, [['pen', 30], ['book', 10]]),
      strings(['ghost', 'x'], 5, 0, 1, 1, [['x', 5]]),
      { path: { step: ['weighted_tokens'] }, type: 'STRUCT' }, // no common statistics: left out
      strings(['a.b'], 100, 0, 1, 1, [['x', 100]]),
    ],
  }],
};

const INFERRED = String.raw`feature {
  name: "age"
  type: INT
  presence {
    min_fraction: 1.0
    min_count: 1
  }
  shape {
    dim {
      size: 1
    }
  }
}
feature {
  name: "workclass"
  value_count {
    min: 1
    max: 1
  }
  type: BYTES
  domain: "workclass"
  presence {
    min_count: 1
  }
}
feature {
  name: "tags"
  value_count {
    min: 1
  }
  type: BYTES
  presence {
    min_fraction: 1.0
    min_count: 1
  }
}
feature {
  name: "is_member"
  type: INT
  bool_domain {
  }
  presence {
    min_fraction: 1.0
    min_count: 1
  }
  shape {
    dim {
      size: 1
    }
  }
}
feature {
  name: "opted_in"
  value_count {
    min: 1
    max: 1
  }
  type: BYTES
  bool_domain {
    true_value: "true"
    false_value: "false"
  }
  presence {
    min_count: 1
  }
}
feature {
  name: "zip"
  type: BYTES
  int_domain {
  }
  presence {
    min_fraction: 1.0
    min_count: 1
  }
  shape {
    dim {
      size: 1
    }
  }
}
feature {
  name: "payload"
  value_count {
    min: 1
    max: 1
  }
  type: BYTES
  presence {
    min_count: 1
  }
}
feature {
  name: "notes"
  type: BYTES
  presence {
    min_fraction: 1.0
    min_count: 1
  }
  shape {
    dim {
      size: 1
    }
  }
}
feature {
  name: "never"
  type: FLOAT
  presence {
    min_count: 0
  }
}
feature {
  name: "price"
  type: FLOAT
  presence {
    min_fraction: 1.0
    min_count: 1
  }
  shape {
    dim {
      size: 1
    }
  }
}
feature {
  name: "city"
  value_count {
    min: 1
    max: 1
  }
  type: BYTES
  presence {
    min_count: 1
  }
}
feature {
  name: "purchase"
  value_count {
    min: 1
  }
  type: STRUCT
  presence {
    min_count: 1
  }
  struct_domain {
    feature {
      name: "item"
      value_count {
        min: 1
        max: 1
      }
      type: BYTES
      domain: "purchase.item"
      presence {
        min_fraction: 1.0
        min_count: 1
      }
    }
  }
}
feature {
  name: "a.b"
  type: BYTES
  domain: "\'a.b\'"
  presence {
    min_fraction: 1.0
    min_count: 1
  }
  shape {
    dim {
      size: 1
    }
  }
}
string_domain {
  name: "workclass"
  value: "Federal-gov"
  value: "Private"
  value: "Self-emp"
}
string_domain {
  name: "purchase.item"
  value: "book"
  value: "pen"
}
string_domain {
  name: "\'a.b\'"
  value: "x"
}
`;

test('inference follows TFDV: types, presence, value counts, shapes, bool/int/string domains, structs', () => {
  const schema = inferSchema(STATS);
  assert.equal(printSchemaText(schema), INFERRED);
  assert.deepEqual(schema, parseSchemaText(INFERRED), 'the objects are what reading the text gives');

  const byName = new Map(schema.feature.map(f => [f.name, f]));
  assert.deepEqual(byName.get('age'), newMessage('Feature', {
    name: 'age', type: 'INT', presence: { min_count: 1, min_fraction: 1 }, shape: newMessage('FixedShape', { dim: [{ size: 1 }] }),
  }));
  assert.deepEqual(byName.get('workclass'), newMessage('Feature', {
    name: 'workclass', type: 'BYTES', presence: { min_count: 1 }, value_count: { min: 1, max: 1 }, domain: 'workclass',
  }));
  assert.deepEqual(schema.string_domain[0], newMessage('StringDomain', { name: 'workclass', value: ['Federal-gov', 'Private', 'Self-emp'] }));
  assert.equal(byName.get('tags')!.domain, undefined, '250 distinct values: more than 100');
  assert.equal(byName.get('city')!.domain, undefined, '30 distinct values but only 2 listed: a domain would reject the other 28');
  assert.equal(byName.get('notes')!.domain, undefined, 'values that are not UTF-8: no domain');
  assert.ok(!byName.has('ghost') && !byName.has('weighted_tokens') && !byName.has('x'));
  assert.deepEqual(schema.default_environment, []);
  assert.equal(schema.dataset_constraints, undefined);
});

test('options: maxStringDomainSize, inferFeatureShape off, inferRanges', () => {
  const small = inferSchema(STATS, { maxStringDomainSize: 2 });
  assert.deepEqual(small.string_domain.map(d => d.name), ['purchase.item', "'a.b'"]);
  assert.equal(small.feature[1].domain, undefined);
  assert.deepEqual(small.feature[4].bool_domain, { true_value: 'true', false_value: 'false' }, 'bool domains do not depend on the size');

  const noShape = inferSchema(STATS, { inferFeatureShape: false });
  for (const f of noShape.feature) assert.equal(f.shape, undefined);
  assert.deepEqual(noShape.feature[0].value_count, { min: 1, max: 1 });
  assert.deepEqual(noShape.feature[0].presence, { min_fraction: 1, min_count: 1 });

  const ranged = inferSchema(STATS, { inferRanges: true });
  const byName = new Map(ranged.feature.map(f => [f.name, f]));
  assert.deepEqual(byName.get('age')!.int_domain, { min: 17, max: 90 });
  assert.deepEqual(byName.get('is_member')!.bool_domain, {}, 'a 0/1 feature keeps its bool domain');
  assert.equal(byName.get('is_member')!.int_domain, undefined);
  assert.deepEqual(byName.get('zip')!.int_domain, { min: 2134, max: 94110 });
  assert.equal(byName.get('never')!.float_domain, undefined, 'no values, no range');
  // Float bounds are 32-bit floats rounded outwards, so the observed values stay inside.
  const price = byName.get('price')!.float_domain!;
  assert.equal(price.min, 0.09999999403953552, 'the float below 0.1 (the float nearest 0.1 is above it)');
  assert.ok(price.min! <= 0.1 && price.max! >= 199.99);
  assert.equal(Math.fround(price.min!), price.min);
  assert.equal(Math.fround(price.max!), price.max);
  assert.match(printSchemaText(ranged), /float_domain \{\n {4}min: 0\.099999994\n {4}max: 199\.99\n {2}\}/);
  assert.deepEqual(parseSchemaText(printSchemaText(ranged)), ranged);
});

test('int64 ranges beyond 2^53 stay exact; numeric types by number; the "All Examples" slice is used', () => {
  const stats: DatasetFeatureStatisticsList = {
    datasets: [
      { name: 'country=FR', features: [{ path: { step: ['id'] }, numStats: { commonStats: common(1, 0, 1, 1), min: 0, max: 5 } }] },
      {
        name: 'All Examples',
        features: [
          { path: { step: ['id'] }, type: 0, numStats: { commonStats: common(3, 0, 1, 1), min: -9.223372036854776e18, max: 9.223372036854776e18 } },
          { name: 'legacy_name', type: 1, numStats: { commonStats: common(3, 0, 2, 2), min: -1, max: 1 } },
        ],
      },
    ],
  };
  const schema = inferSchema(stats, { inferRanges: true });
  assert.deepEqual(schema.feature[0].int_domain, { min: -(2n ** 63n), max: 2n ** 63n - 1n });
  assert.equal(schema.feature[1].name, 'legacy_name');
  assert.equal(schema.feature[1].type, 'FLOAT');
  // Two values in every example: TFDV infers value_count { min: 1 } (no max), so no shape.
  assert.deepEqual(schema.feature[1].value_count, { min: 1 });
  assert.equal(schema.feature[1].shape, undefined);
  assert.match(printSchemaText(schema), /min: -9223372036854775808\n {4}max: 9223372036854775807\n/);
});

test('weighted statistics are used when the dataset has weights, as in TFDV', () => {
  const stats: DatasetFeatureStatisticsList = {
    datasets: [{
      weightedNumExamples: 2.5,
      features: [{
        path: { step: ['w'] },
        type: 'STRING',
        stringStats: {
          commonStats: { ...common(3, 1, 1, 1), weightedCommonStats: { numNonMissing: 0.5, numMissing: 2 } },
          rankHistogram: { buckets: [{ label: 'unweighted', sampleCount: 3 }] },
          weightedStringStats: { rankHistogram: { buckets: [{ label: 'b', sampleCount: 0.3 }, { label: 'a', sampleCount: 0.2 }] } },
        },
      }],
    }],
  };
  const schema = inferSchema(stats);
  assert.deepEqual(schema.feature[0].presence, { min_count: 0 }, 'a weighted presence below 1 gives min_count 0');
  assert.deepEqual(schema.string_domain, [newMessage('StringDomain', { name: 'w', value: ['a', 'b'] })]);
});

test('statistics that cannot give a schema are UserErrors', () => {
  const fails = (stats: DatasetFeatureStatisticsList, pattern: RegExp) => assert.throws(() => inferSchema(stats), (e: unknown) => e instanceof UserError && pattern.test(e.message));
  fails({ datasets: [] }, /no dataset/);
  fails({ datasets: [{ name: 'a' }, { name: 'b' }] }, /2 datasets and none named "All Examples"/);
  fails({ datasets: [{ features: [{ path: { step: ['x'] }, numStats: { commonStats: {} } }, { path: { step: ['x'] }, numStats: { commonStats: {} } }] }] }, /feature "x" appears twice/);
  fails({ datasets: [{ features: [{ path: { step: ['x'] }, type: 'DOUBLE' as never, numStats: { commonStats: {} } }] }] }, /unknown feature type "DOUBLE"/);
  fails({ datasets: [{ features: [{ numStats: { commonStats: {} } }] }] }, /neither a path nor a name/);
  fails({ datasets: [{ features: [{ path: { step: ['x'] }, numStats: { commonStats: { numNonMissing: 'lots' } } }] }] }, /"lots" is not a number/);
});

test('paths are named as TFDV serializes them', () => {
  assert.equal(serializePath(['a', 'b']), 'a.b');
  assert.equal(serializePath(['a.b']), "'a.b'");
  assert.equal(serializePath(["it's"]), "'it''s'");
  assert.equal(serializePath(['(ext.name)', 'x']), '(ext.name).x');
  assert.equal(serializePath(['']), "''");
});
