// careprint web quiz: checks answers in the browser, says why, and announces the score.
// Without JavaScript the questions still read as a list and each answer sits in a disclosure.
(function () {
  'use strict';
  var form = document.querySelector('form[data-quiz]');
  if (!form) return;
  var actions = form.querySelector('.quiz-actions');
  if (actions) actions.hidden = false;
  var score = form.querySelector('.score');

  function chosen(fieldset) {
    return Array.prototype.map.call(fieldset.querySelectorAll('input:checked'), function (input) {
      return input.value;
    }).sort();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var fieldsets = form.querySelectorAll('fieldset.question');
    var right = 0;
    Array.prototype.forEach.call(fieldsets, function (fieldset) {
      var expected = (fieldset.getAttribute('data-answer') || '').split(' ').filter(Boolean).sort();
      var answer = chosen(fieldset);
      var correct = answer.length === expected.length && answer.every(function (value, i) { return value === expected[i]; });
      var feedback = fieldset.querySelector('.feedback');
      var details = fieldset.querySelector('details.answer');
      fieldset.classList.toggle('is-correct', correct);
      fieldset.classList.toggle('is-wrong', !correct);
      if (correct) right += 1;
      feedback.hidden = false;
      feedback.textContent = answer.length === 0 ? 'Not answered yet.' : correct ? 'Correct.' : 'Not quite.';
      if (details) details.open = !correct;
    });
    score.textContent = 'You got ' + right + ' out of ' + fieldsets.length + ' right.';
  });

  form.addEventListener('reset', function () {
    Array.prototype.forEach.call(form.querySelectorAll('fieldset.question'), function (fieldset) {
      fieldset.classList.remove('is-correct', 'is-wrong');
      var feedback = fieldset.querySelector('.feedback');
      feedback.hidden = true;
      feedback.textContent = '';
      var details = fieldset.querySelector('details.answer');
      if (details) details.open = false;
    });
    score.textContent = '';
  });
})();
