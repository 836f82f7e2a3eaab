"""The descriptors of every therapy code the billing indicators read, kept apart from the code.

Each entry paraphrases the published descriptor (the AMA's CPT long descriptors and the CMS
HCPCS Level II descriptors, as CMS lists them for outpatient therapy) closely enough to keep
the words that decide how the code is billed:

- timed: billed per 15 minutes under the 8-minute rule; the descriptor says "each 15 minutes"
  (97129 says "initial 15 minutes", its add-on 97130 "each additional 15 minutes");
- group: "group (2 or more individuals)" or "group, 2 or more individuals": once per patient
  per session, whatever its length;
- evaluation: "evaluation" or "re-evaluation" (of a plan of care): untimed, once per episode;
- untimed treatment: none of these.

The evaluation descriptors keep their "typically, N minutes are spent face-to-face": a time
that describes the typical service, not a unit, so it must not make an evaluation timed.

tests/billing/test_code_table.py derives each code's class from these words alone and holds
caretime.core.billing.THERAPY_CODES and the SQL engine to it.
"""

from __future__ import annotations

DESCRIPTORS: dict[str, str] = {
    # --- physical medicine and rehabilitation: therapeutic procedures, one-on-one, timed
    "97110": "Therapeutic procedure, 1 or more areas, each 15 minutes; therapeutic exercises to develop strength "
    "and endurance, range of motion and flexibility",
    "97112": "Therapeutic procedure, 1 or more areas, each 15 minutes; neuromuscular reeducation of movement, "
    "balance, coordination, kinesthetic sense, posture, and/or proprioception for sitting and/or standing activities",
    "97113": "Therapeutic procedure, 1 or more areas, each 15 minutes; aquatic therapy with therapeutic exercises",
    "97116": "Therapeutic procedure, 1 or more areas, each 15 minutes; gait training (includes stair climbing)",
    "97124": "Therapeutic procedure, 1 or more areas, each 15 minutes; massage, including effleurage, petrissage "
    "and/or tapotement (stroking, compression, percussion)",
    "97129": "Therapeutic interventions that focus on cognitive function (eg, attention, memory, reasoning, executive "
    "function, problem solving, and/or pragmatic functioning) and compensatory strategies to manage the performance "
    "of an activity, direct (one-on-one) patient contact; initial 15 minutes",
    "97130": "Therapeutic interventions that focus on cognitive function and compensatory strategies, direct "
    "(one-on-one) patient contact; each additional 15 minutes (list separately in addition to the primary procedure)",
    "97140": "Manual therapy techniques (eg, mobilization/manipulation, manual lymphatic drainage, manual traction), "
    "1 or more regions, each 15 minutes",
    "97530": "Therapeutic activities, direct (one-on-one) patient contact (use of dynamic activities to improve "
    "functional performance), each 15 minutes",
    "97533": "Sensory integrative techniques to enhance sensory processing and promote adaptive responses to "
    "environmental demands, direct (one-on-one) patient contact, each 15 minutes",
    "97535": "Self-care/home management training (eg, activities of daily living and compensatory training, meal "
    "preparation, safety procedures, instructions in use of assistive technology devices), direct one-on-one "
    "contact, each 15 minutes",
    "97537": "Community/work reintegration training (eg, shopping, transportation, money management, avocational "
    "activities and/or work environment modification analysis), direct one-on-one contact, each 15 minutes",
    "97542": "Wheelchair management (eg, assessment, fitting, training), each 15 minutes",
    # --- tests, measurements, orthotics and prosthetics: timed
    "97750": "Physical performance test or measurement (eg, musculoskeletal, functional capacity), with written "
    "report, each 15 minutes",
    "97755": "Assistive technology assessment (eg, to restore, augment or compensate for existing function, optimize "
    "functional tasks and/or maximize environmental accessibility), direct one-on-one contact, with written report, "
    "each 15 minutes",
    "97760": "Orthotic(s) management and training (including assessment and fitting when not otherwise reported), "
    "upper extremity(ies), lower extremity(ies) and/or trunk, initial orthotic(s) encounter, each 15 minutes",
    "97761": "Prosthetic(s) training, upper and/or lower extremity(ies), initial prosthetic(s) encounter, "
    "each 15 minutes",
    "97763": "Orthotic(s)/prosthetic(s) management and/or training, upper extremity(ies), lower extremity(ies), "
    "and/or trunk, subsequent orthotic(s)/prosthetic(s) encounter, each 15 minutes",
    # --- modalities requiring constant attendance: timed
    "97032": "Application of a modality to 1 or more areas; electrical stimulation (manual), each 15 minutes",
    "97033": "Application of a modality to 1 or more areas; iontophoresis, each 15 minutes",
    "97034": "Application of a modality to 1 or more areas; contrast baths, each 15 minutes",
    "97035": "Application of a modality to 1 or more areas; ultrasound, each 15 minutes",
    "97036": "Application of a modality to 1 or more areas; Hubbard tank, each 15 minutes",
    # --- HCPCS Level II
    "G0515": "Development of cognitive skills to improve attention, memory, problem solving (includes compensatory "
    "training), direct (one-on-one) patient contact, each 15 minutes",
    "G0283": "Electrical stimulation (unattended), to one or more areas for indication(s) other than wound care, as "
    "part of a therapy plan of care",
    # --- group therapy: once per patient per session
    "97150": "Therapeutic procedure(s), group (2 or more individuals)",
    "92508": "Treatment of speech, language, voice, communication, and/or auditory processing disorder; group, "
    "2 or more individuals",
    # --- untimed treatment
    "92507": "Treatment of speech, language, voice, communication, and/or auditory processing disorder; individual",
    "92526": "Treatment of swallowing dysfunction and/or oral function for feeding",
    # --- evaluations and re-evaluations: untimed, once per episode
    "97161": "Physical therapy evaluation: low complexity (a history with no personal factors and/or comorbidities "
    "that impact the plan of care, a stable clinical presentation). Typically, 20 minutes are spent face-to-face "
    "with the patient and/or family",
    "97162": "Physical therapy evaluation: moderate complexity (a history with 1-2 personal factors and/or "
    "comorbidities, an evolving clinical presentation). Typically, 30 minutes are spent face-to-face with the "
    "patient and/or family",
    "97163": "Physical therapy evaluation: high complexity (a history with 3 or more personal factors and/or "
    "comorbidities, an unstable clinical presentation). Typically, 45 minutes are spent face-to-face with the "
    "patient and/or family",
    "97164": "Re-evaluation of physical therapy established plan of care. Typically, 20 minutes are spent "
    "face-to-face with the patient and/or family",
    "97165": "Occupational therapy evaluation, low complexity (an occupational profile and brief history, 1-3 "
    "performance deficits). Typically, 30 minutes are spent face-to-face with the patient and/or family",
    "97166": "Occupational therapy evaluation, moderate complexity (an expanded review of history, 3-5 performance "
    "deficits). Typically, 45 minutes are spent face-to-face with the patient and/or family",
    "97167": "Occupational therapy evaluation, high complexity (an extensive review of history, 5 or more "
    "performance deficits). Typically, 60 minutes are spent face-to-face with the patient and/or family",
    "97168": "Re-evaluation of occupational therapy established plan of care. Typically, 30 minutes are spent "
    "face-to-face with the patient and/or family",
    "92521": "Evaluation of speech fluency (eg, stuttering, cluttering)",
    "92522": "Evaluation of speech sound production (eg, articulation, phonological process, apraxia, dysarthria)",
    "92523": "Evaluation of speech sound production (eg, articulation, phonological process, apraxia, dysarthria); "
    "with evaluation of language comprehension and expression (eg, receptive and expressive language)",
    # The CPT descriptor of 92524 does not say "evaluation": CMS introduced 92521-92524 together
    # in 2014 as the speech-language pathology evaluation codes replacing 92506, and lists 92524
    # among them; the bracketed words record that classification.
    "92524": "Behavioral and qualitative analysis of voice and resonance [voice evaluation]",
    "92610": "Evaluation of oral and pharyngeal swallowing function",
}
