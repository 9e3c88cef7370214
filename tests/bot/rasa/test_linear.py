from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa.linear import LinearIntentClassifier

EXAMPLES = {
    "book_tid": [
        "jeg vil gerne booke en tid",
        "kan jeg få et møde med en rådgiver",
        "bestil en samtale til næste uge",
        "hvornår har I en ledig tid til et møde",
        "jeg vil gerne have en aftale om et møde",
    ],
    "klage_sagsbehandling": [
        "min sag har ligget stille i et halvt år",
        "sagsbehandleren svarer aldrig på mine mails",
        "kommunen har ikke svaret på min ansøgning",
        "de har tabt mine papirer igen",
        "jeg har ventet alt for længe på svar fra kommunen",
    ],
    "hilsen": [
        "hej",
        "goddag",
        "hej med dig",
        "god morgen",
        "hallo",
    ],
}


def training_data() -> TrainingData:
    return TrainingData(
        [
            Message(data={"text": text, "intent": intent})
            for intent, texts in EXAMPLES.items()
            for text in texts
        ]
    )


def context() -> ExecutionContext:
    return ExecutionContext(GraphSchema({}), "test")


def test_trains_persists_loads_and_ranks_an_unseen_sentence(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("linear")
    trained = LinearIntentClassifier.create({}, storage, resource, context())
    trained.train(training_data())

    loaded = LinearIntentClassifier.load({}, storage, resource, context())
    # without æøå, as many citizens write: folded before the n-grams are counted
    [m] = loaded.process([Message(data={"text": "hvornaar kan jeg faa en tid til et moede"})])

    assert m.get("intent")["name"] == "book_tid"
    ranking = m.get("intent_ranking")
    assert [r["name"] for r in ranking][0] == "book_tid"
    assert {r["name"] for r in ranking} == set(EXAMPLES)
    confidences = [r["confidence"] for r in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert abs(sum(confidences) - 1.0) < 1e-6
    assert m.get("intent")["confidence"] == confidences[0] > 1 / len(EXAMPLES)

    # the loaded model gives the same probabilities as the trained one
    text = ["sagsbehandleren har ikke svaret på min mail"]
    assert (loaded.probabilities(text) == trained.probabilities(text)).all()
    assert loaded.intents[loaded.probabilities(text).argmax()] == "klage_sagsbehandling"


def test_with_a_weight_it_averages_with_the_earlier_ranking(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    config = {"weight": 0.5}
    clf = LinearIntentClassifier.create(config, storage, Resource("linear"), context())
    clf.train(training_data())
    earlier = [{"name": "hilsen", "confidence": 1.0}]
    [m] = clf.process([Message(data={"text": "hej", "intent_ranking": earlier})])
    alone = dict(zip(clf.intents, clf.probabilities(["hej"])[0], strict=True))
    ranking = {r["name"]: r["confidence"] for r in m.get("intent_ranking")}
    assert abs(ranking["hilsen"] - (0.5 * alone["hilsen"] + 0.5)) < 1e-9
    assert abs(ranking["book_tid"] - 0.5 * alone["book_tid"]) < 1e-9


def test_untrained_it_leaves_messages_alone(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    clf = LinearIntentClassifier.load({}, storage, Resource("never_trained"), context())
    [m] = clf.process([Message(data={"text": "hej"})])
    assert m.get("intent") is None


SVM_CONFIG = {
    "classifier": "svm",
    "C": 1.0,
    "class_weight": "balanced",
    "temperature": 0.15,
    "features": [
        {"text": "folded", "analyzer": "word", "ngram": [1, 2]},
        {"text": "skeleton", "analyzer": "char_wb", "ngram": [2, 5]},
        {"text": "skeleton", "analyzer": "char", "ngram": [3, 6]},
    ],
}


def test_the_skeleton_reads_every_spelling_without_aeoeaa_alike() -> None:
    from bot.rasa.linear import normalise, skeleton

    for spellings, expected in [
        (["på", "paa", "pa"], "pa"),
        (["hjælp", "hjaelp", "hjelp"], "hjelp"),
        (["søgt", "soegt", "sogt"], "sogt"),
        (["Næste", "naeste", "neste"], "neste"),
    ]:
        assert {skeleton(normalise(s)) for s in spellings} == {expected}


def test_an_svm_with_the_configured_features_is_trained_persisted_and_loaded(
    tmp_path: Path,
) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("linear_svm")
    trained = LinearIntentClassifier.create(SVM_CONFIG, storage, resource, context())
    trained.train(training_data())
    # loaded with a config that no longer names the features: the persisted ones are used
    loaded = LinearIntentClassifier.load(
        {**SVM_CONFIG, "features": None}, storage, resource, context()
    )
    assert loaded.specs == SVM_CONFIG["features"]
    text = ["sagsbehandlern svare ikk pa mine mails"]
    assert (loaded.probabilities(text) == trained.probabilities(text)).all()
    [m] = loaded.process([Message(data={"text": text[0]})])
    assert m.get("intent")["name"] == "klage_sagsbehandling"
    assert abs(sum(r["confidence"] for r in m.get("intent_ranking")) - 1.0) < 1e-6


def test_an_unknown_classifier_or_feature_is_refused(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    with pytest.raises(ValueError, match="unknown feature"):
        LinearIntentClassifier.create(
            {"features": [{"text": "reversed", "analyzer": "word", "ngram": [1, 1]}]},
            storage,
            Resource("x"),
            context(),
        )
    clf = LinearIntentClassifier.create({"classifier": "forest"}, storage, Resource("y"), context())
    with pytest.raises(ValueError, match="unknown classifier"):
        clf.train(training_data())
